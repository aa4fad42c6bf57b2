import type { ApplyAdamAttrs, ApplyMomentumAttrs, ApplyRMSPropAttrs } from '@estimatorjs/io';
import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { memoryOf, type NativeHostBackend, offsetOf } from './heap.js';

const f = Math.fround;

/**
 * The named inputs, when all are float32 of one non-empty shape (what the addon's loops take), with their
 * element count; null otherwise.
 */
function sameShapeFloats(
  args: { inputs: unknown },
  names: readonly string[],
): { infos: tf.TensorInfo[]; n: number } | null {
  const infos = names.map((k) => (args.inputs as Record<string, tf.TensorInfo | undefined>)[k]);
  const shape = infos[0]?.shape ?? [];
  const n = shape.reduce((p, d) => p * d, 1);
  const ok =
    n > 0 &&
    infos.every(
      (t) => t?.dtype === 'float32' && t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]),
    );
  return ok ? { infos: infos as tf.TensorInfo[], n } : null;
}

/**
 * A fused optimizer update in the addon's vectorised loops (AVX-512 or AVX2 where the CPU has them), on the wasm
 * memory where the tensors lie: `outputs` new tensors of the inputs' shape, bit-identical to the composite float32
 * ops (and to the wasm kernel). Inputs it does not take go to `fallback` (the wasm kernel `@estimatorjs/backends`
 * registers, with its own checks) when there is one.
 */
function nativeUpdate(
  names: readonly string[] | ((attrs: tf.NamedAttrMap) => readonly string[]),
  outputs: number | ((attrs: tf.NamedAttrMap) => number),
  run: (memory: ArrayBuffer, offsets: number[], n: number, attrs: tf.NamedAttrMap) => void,
  fallback: tf.KernelFunc | undefined,
): tf.KernelFunc {
  return (args) => {
    const attrs = args.attrs ?? {};
    const inputNames = typeof names === 'function' ? names(attrs) : names;
    const checked = sameShapeFloats(args, inputNames);
    if (checked === null) {
      if (fallback) return fallback(args);
      throw new Error(
        `@estimatorjs/native: a fused optimizer update needs float32 ${inputNames.join(', ')} of one shape.`,
      );
    }
    const backend = args.backend as unknown as NativeHostBackend;
    const shape = checked.infos[0]!.shape;
    const count = typeof outputs === 'function' ? outputs(attrs) : outputs;
    const outs = Array.from({ length: count }, () => backend.makeOutput(shape.slice(), 'float32'));
    // The memory after the allocations: growth replaces the buffer.
    const offsets = [...checked.infos, ...outs].map((t) => offsetOf(backend, t));
    run(memoryOf(backend), offsets, checked.n, attrs);
    return outs;
  };
}

/** `@estimatorjs/io`'s APPLY_ADAM_KERNEL: new `[variable, m, v]`. */
export function nativeApplyAdam(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return nativeUpdate(
    ['variable', 'm', 'v', 'grad'],
    3,
    (memory, offsets, n, attrs) => {
      const { lrT, beta1, beta2, epsilon } = attrs as unknown as ApplyAdamAttrs;
      // 1 − β in float64, then rounded: what the composite path's `tf.scalar(1 - beta1)` holds.
      addon.applyAdam(memory, ...offsets, n, f(lrT), f(beta1), f(1 - beta1), f(beta2), f(1 - beta2), f(epsilon));
    },
    fallback,
  );
}

/** `@estimatorjs/io`'s APPLY_MOMENTUM_KERNEL: new `[variable, accum]`. */
export function nativeApplyMomentum(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return nativeUpdate(
    ['variable', 'accum', 'grad'],
    2,
    (memory, offsets, n, attrs) => {
      const { lr, momentum, useNesterov } = attrs as unknown as ApplyMomentumAttrs;
      // lr·μ in float64, then rounded: the composite path's `tf.mul(lr * momentum, accum)`.
      addon.applyMomentum(memory, ...offsets, n, f(lr), f(momentum), f(lr * momentum), useNesterov ? 1 : 0);
    },
    fallback,
  );
}

const centered = (attrs: tf.NamedAttrMap) => (attrs as unknown as ApplyRMSPropAttrs).centered === true;

/** `@estimatorjs/io`'s APPLY_RMSPROP_KERNEL: new `[variable, ms, mom]`, or `[variable, ms, mg, mom]` centered. */
export function nativeApplyRMSProp(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return nativeUpdate(
    (attrs) => (centered(attrs) ? ['variable', 'ms', 'mom', 'grad', 'mg'] : ['variable', 'ms', 'mom', 'grad']),
    (attrs) => (centered(attrs) ? 4 : 3),
    (memory, offsets, n, attrs) => {
      const { lr, decay, momentum, epsilon } = attrs as unknown as ApplyRMSPropAttrs;
      // 1 − decay in float64, then rounded: the composite path's `tf.mul(1 - decay, …)`.
      const k = [f(lr), f(decay), f(1 - decay), f(momentum), f(epsilon)];
      if (centered(attrs)) addon.applyCenteredRMSProp(memory, ...offsets, n, ...k);
      else addon.applyRMSProp(memory, ...offsets, n, ...k);
    },
    fallback,
  );
}
