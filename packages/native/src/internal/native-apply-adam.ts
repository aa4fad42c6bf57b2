import type { ApplyAdamAttrs } from '@estimatorjs/io';
import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { memoryOf, type NativeHostBackend, offsetOf } from './heap.js';

type AdamArgs = {
  inputs: { variable?: tf.TensorInfo; m?: tf.TensorInfo; v?: tf.TensorInfo; grad?: tf.TensorInfo };
  attrs: ApplyAdamAttrs;
};

const f = Math.fround;

/**
 * `@estimatorjs/io`'s APPLY_ADAM_KERNEL in the addon's vectorised loop (AVX-512 or AVX2 where the CPU has it), on
 * the wasm memory where the tensors lie: new `[variable, m, v]`, bit-identical to the composite float32 ops (and to
 * the wasm kernel). Float32 inputs of one non-empty shape; anything else goes to `fallback` (the wasm kernel
 * `@estimatorjs/backends` registers, with its own checks) when there is one.
 */
export function nativeApplyAdam(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args as unknown as AdamArgs;
    const backend = args.backend as unknown as NativeHostBackend;
    const all = [inputs.variable, inputs.m, inputs.v, inputs.grad];
    const shape = inputs.variable?.shape ?? [];
    const n = shape.reduce((p, d) => p * d, 1);
    const supported =
      n > 0 &&
      all.every(
        (t) => t?.dtype === 'float32' && t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]),
      );
    if (!supported) {
      if (fallback) return fallback(args);
      throw new Error('@estimatorjs/native: the fused Adam update needs float32 variable, m, v and grad of one shape.');
    }
    const outs = [0, 1, 2].map(() => backend.makeOutput(shape.slice(), 'float32'));
    const { lrT, beta1, beta2, epsilon } = attrs;
    addon.applyAdam(
      memoryOf(backend),
      ...all.map((t) => offsetOf(backend, t as tf.TensorInfo)),
      ...outs.map((t) => offsetOf(backend, t)),
      n,
      // 1 − β in float64, then rounded: what the composite path's `tf.scalar(1 - beta1)` holds.
      f(lrT),
      f(beta1),
      f(1 - beta1),
      f(beta2),
      f(1 - beta2),
      f(epsilon),
    );
    return outs;
  };
}
