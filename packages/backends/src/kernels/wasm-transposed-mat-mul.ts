import type * as tf from '@tensorflow/tfjs-core';
import { type KernelBackendLike, release, swapLastTwo, transposeInfo } from './wasm-kernel-call.js';

type KernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackendLike;
  attrs: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

/**
 * Wraps a wasm matmul kernel (`BatchMatMul` or `_FusedMatMul`) so that `transposeA`/`transposeB` never reach it:
 * tfjs-backend-wasm 4.22.0 runs transposed products in a scalar loop, while a materialised transpose plus its
 * XNNPACK path is several times faster. Operands are transposed with the wasm `Transpose` kernel, then the
 * original kernel runs with both flags false.
 */
export function withMaterialisedTranspose(original: KernelFunc): KernelFunc {
  return (args) => {
    const { backend } = args;
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const inputs = { ...args.inputs };
    const temps: tf.TensorInfo[] = [];
    const a = inputs.a as tf.TensorInfo;
    const b = inputs.b as tf.TensorInfo;
    if (attrs.transposeA) {
      inputs.a = transposeInfo(backend, a, swapLastTwo(a.shape.length));
      temps.push(inputs.a);
    }
    if (attrs.transposeB) {
      inputs.b = transposeInfo(backend, b, swapLastTwo(b.shape.length));
      temps.push(inputs.b);
    }
    try {
      return original({ inputs, backend, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      release(backend, ...temps);
    }
  };
}
