// The fused Adam update (@estimatorjs/io's APPLY_ADAM_KERNEL) for tfjs-backend-cpu and tfjs-backend-wasm (the
// native backend has its own, in the addon). Owns: Adam's constants and its JavaScript loop (cpu, and wasm where
// our SIMD module cannot load). The SIMD loop is wasm/training-kernels.c's apply_adam.
import { APPLY_ADAM_KERNEL, type ApplyAdamAttrs } from '@estimatorjs/io';
import type * as tf from '@tensorflow/tfjs-core';
import { updateKernels } from './optimizer-kernel-io.js';

const NAMES = ['variable', 'm', 'v', 'grad'] as const;
const f = Math.fround;

/** The float32 constants of one update, rounded as the composite ops' `tf.scalar`s are. */
interface AdamConstants {
  readonly lrT: number;
  readonly b1: number;
  readonly c1: number;
  readonly b2: number;
  readonly c2: number;
  readonly eps: number;
}

function constants(attrs: tf.NamedAttrMap): AdamConstants {
  const { lrT, beta1, beta2, epsilon } = attrs as unknown as ApplyAdamAttrs;
  // 1 − β is taken in float64, then rounded: what the composite path's `tf.scalar(1 - beta1)` holds.
  return { lrT: f(lrT), b1: f(beta1), c1: f(1 - beta1), b2: f(beta2), c2: f(1 - beta2), eps: f(epsilon) };
}

/**
 * The update in JavaScript: [x, m, v, g] → [x', m', v']. Every operation is a float64 operation on float32 operands
 * rounded back to float32 (`Math.fround`), which is exactly the float32 operation for + − × ÷ √ (float64 holds
 * more than twice float32's precision, so the double rounding never differs), in the composite path's order.
 */
function adamLoop([x, m, v, g]: Float32Array[], [xo, mo, vo]: Float32Array[], k: AdamConstants): void {
  const { lrT, b1, c1, b2, c2, eps } = k;
  for (let i = 0; i < x!.length; i++) {
    const gi = g![i] as number;
    const mi = f(f(b1 * (m![i] as number)) + f(c1 * gi));
    const vi = f(f(b2 * (v![i] as number)) + f(c2 * f(gi * gi)));
    mo![i] = mi;
    vo![i] = vi;
    xo![i] = f((x![i] as number) - f(lrT * f(mi / f(f(Math.sqrt(vi)) + eps))));
  }
}

const kernels = updateKernels<AdamConstants>({
  kernelName: APPLY_ADAM_KERNEL,
  layout: () => ({ names: NAMES, outputs: 3 }),
  constants,
  loop: adamLoop,
  simd: (wasm, [x, m, v, g], [xo, mo, vo], n, k) =>
    wasm.apply_adam(x!, m!, v!, g!, xo!, mo!, vo!, n, k.lrT, k.b1, k.c1, k.b2, k.c2, k.eps),
});

/** {@link APPLY_ADAM_KERNEL} for tfjs-backend-cpu: `[variable, m, v]` after one Adam step. */
export const cpuApplyAdam = kernels.cpu;

/**
 * {@link APPLY_ADAM_KERNEL} for tfjs-backend-wasm: one pass of our wasm-SIMD `apply_adam` over the backend's
 * heap, or the JavaScript loop on heap views where that module cannot load.
 */
export const wasmApplyAdam = kernels.wasm;
