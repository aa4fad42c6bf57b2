import type * as tf from '@tensorflow/tfjs-core';
import { callKernel, type KernelBackendLike, release } from './wasm-kernel-call.js';

type KernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackendLike;
  attrs: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

/** Applies a tfjs fused activation with the wasm backend's own kernels. */
function activate(
  backend: KernelBackendLike,
  x: tf.TensorInfo,
  activation: string,
  prelu: tf.TensorInfo | undefined,
  leakyreluAlpha: number | undefined,
): tf.TensorInfo {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return callKernel(backend, 'Relu', { x });
    case 'relu6':
      return callKernel(backend, 'Relu6', { x });
    case 'elu':
      return callKernel(backend, 'Elu', { x });
    case 'sigmoid':
      return callKernel(backend, 'Sigmoid', { x });
    case 'leakyrelu':
      return callKernel(backend, 'LeakyRelu', { x }, { alpha: leakyreluAlpha ?? 0.2 });
    case 'prelu':
      return callKernel(backend, 'Prelu', { x, alpha: prelu as tf.TensorInfo });
    default:
      throw new Error(`_FusedMatMul (wasm): unsupported activation '${activation}'.`);
  }
}

/**
 * Wraps wasm's `_FusedMatMul`: with a batch dimension above 1 and a bias (or PReLU weights), tfjs-backend-wasm
 * 4.22.0 adds the bias at the wrong offsets (results differ from cpu by ~1e-2). In that case the product runs as
 * `BatchMatMul`, then `Add` and the activation kernel; every other case goes to the original kernel.
 */
export function withCorrectBatchedBias(original: KernelFunc): KernelFunc {
  return (args) => {
    const { backend } = args;
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const batch = Math.max((a as tf.TensorInfo).shape[0] ?? 1, (b as tf.TensorInfo).shape[0] ?? 1);
    if (batch <= 1 || (bias == null && preluActivationWeights == null)) return original(args);
    const attrs = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation: string;
      leakyreluAlpha?: number;
    };
    const product = callKernel(
      backend,
      'BatchMatMul',
      { a: a as tf.TensorInfo, b: b as tf.TensorInfo },
      { transposeA: attrs.transposeA, transposeB: attrs.transposeB },
    );
    let biased = product;
    if (bias != null) {
      biased = callKernel(backend, 'Add', { a: product, b: bias });
      release(backend, product);
    }
    const out = activate(backend, biased, attrs.activation, preluActivationWeights, attrs.leakyreluAlpha);
    if (out !== biased) release(backend, biased);
    return out;
  };
}
