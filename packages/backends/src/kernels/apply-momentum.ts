// The fused momentum update (@estimatorjs/io's APPLY_MOMENTUM_KERNEL) for tfjs-backend-cpu and tfjs-backend-wasm
// (the native backend has its own, in the addon). Owns: the constants and the JavaScript loop (cpu, and wasm
// where our SIMD module cannot load). The SIMD loop is wasm/training-kernels.c's apply_momentum.
import { APPLY_MOMENTUM_KERNEL, type ApplyMomentumAttrs } from '@estimatorjs/io';
import type * as tf from '@tensorflow/tfjs-core';
import { updateKernels } from './optimizer-kernel-io.js';

const NAMES = ['variable', 'accum', 'grad'] as const;
const f = Math.fround;

interface MomentumConstants {
  readonly lr: number;
  readonly mu: number;
  /** float32(lr·μ), the product in float64: the composite path's `tf.mul(lr * momentum, accum)`. */
  readonly lrMu: number;
  readonly nesterov: boolean;
}

function constants(attrs: tf.NamedAttrMap): MomentumConstants {
  const { lr, momentum, useNesterov } = attrs as unknown as ApplyMomentumAttrs;
  return { lr: f(lr), mu: f(momentum), lrMu: f(lr * momentum), nesterov: useNesterov === true };
}

/** [x, accum, g] → [x', accum'], each operation rounded to float32 (`Math.fround`) in the composite order. */
function momentumLoop([x, a, g]: Float32Array[], [xo, ao]: Float32Array[], k: MomentumConstants): void {
  const { lr, mu, lrMu, nesterov } = k;
  for (let i = 0; i < x!.length; i++) {
    const gi = g![i] as number;
    const ai = f(f(mu * (a![i] as number)) + gi);
    ao![i] = ai;
    const step = nesterov ? f(f(lr * gi) + f(lrMu * ai)) : f(lr * ai);
    xo![i] = f((x![i] as number) - step);
  }
}

const kernels = updateKernels<MomentumConstants>({
  kernelName: APPLY_MOMENTUM_KERNEL,
  layout: () => ({ names: NAMES, outputs: 2 }),
  constants,
  loop: momentumLoop,
  simd: (wasm, [x, a, g], [xo, ao], n, k) =>
    wasm.apply_momentum(x!, a!, g!, xo!, ao!, n, k.lr, k.mu, k.lrMu, k.nesterov ? 1 : 0),
});

/** {@link APPLY_MOMENTUM_KERNEL} for tfjs-backend-cpu: `[variable, accum]` after one step. */
export const cpuApplyMomentum = kernels.cpu;

/** {@link APPLY_MOMENTUM_KERNEL} for tfjs-backend-wasm: our wasm-SIMD `apply_momentum`, or the JavaScript loop. */
export const wasmApplyMomentum = kernels.wasm;
