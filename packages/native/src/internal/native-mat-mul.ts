import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { allFloat, memoryOf, type NativeHostBackend, offsetOf } from './heap.js';

type MatMulArgs = {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
  attrs: { transposeA?: boolean; transposeB?: boolean; activation?: string };
  backend: unknown;
};

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/**
 * `BatchMatMul` and `_FusedMatMul` (bias of the last dimension, `linear` or `relu`) on oneDNN's matmul, with the
 * transposes as strides and batch broadcasting where one side has batch 1. Anything else (prelu, other
 * activations, broadcast batch shapes, empty or int tensors) goes to `fallback`, the wasm kernel.
 */
export function nativeMatMul(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args as unknown as MatMulArgs;
    const backend = args.backend as unknown as NativeHostBackend;
    const { a, b, bias, preluActivationWeights } = inputs;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    const activation = attrs.activation ?? 'linear';
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = product(outerA);
    const batchB = product(outerB);
    const m = a.shape[a.shape.length - (transposeA ? 1 : 2)] as number;
    const k = a.shape[a.shape.length - (transposeA ? 2 : 1)] as number;
    const n = b.shape[b.shape.length - (transposeB ? 2 : 1)] as number;
    const sameOuter = outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i]);
    const supported =
      a.shape.length >= 2 &&
      b.shape.length >= 2 &&
      allFloat(a, b, ...(bias ? [bias] : [])) &&
      preluActivationWeights === undefined &&
      (activation === 'linear' || activation === 'relu') &&
      (sameOuter || batchA === 1 || batchB === 1) &&
      (bias === undefined || (bias.shape[bias.shape.length - 1] === n && product(bias.shape) === n));
    if (!supported) {
      if (fallback) return fallback(args);
      throw new Error(`@estimatorjs/native: MatMul of ${a.shape} by ${b.shape} has no fallback kernel.`);
    }
    const outer = batchA >= batchB ? outerA : outerB;
    const out = backend.makeOutput([...outer, m, n], 'float32');
    addon.matMul(
      memoryOf(backend),
      offsetOf(backend, a),
      offsetOf(backend, b),
      offsetOf(backend, out),
      bias ? offsetOf(backend, bias) : -1,
      batchA,
      batchB,
      m,
      k,
      n,
      transposeA ? 1 : 0,
      transposeB ? 1 : 0,
      activation === 'relu' ? 1 : 0,
    );
    return out;
  };
}
