// The contract of the exact fused matmul: the estimator's dense layer calls it by name (through tfjs's kernel
// registry) where a backend registers it; @estimatorjs/native does. Plain strings and types, like
// optimizer-kernels.ts, and for the same reason: the estimator may not import a backend.

/**
 * The tfjs kernel name of a matmul with its bias and relu in one kernel whose result is, bit for bit, what the
 * backend's own `BatchMatMul`, then `Add`, then `Relu` kernels give: the dense layer's forward pass in one dispatch
 * instead of three. tfjs's `_FusedMatMul` promises no such thing (on wasm, XNNPACK's fused product rounds
 * differently; oneDNN's relu post-op turns NaN into 0). Inputs and attributes are `_FusedMatMul`'s:
 * {@link ExactFusedMatMulInputs}, {@link ExactFusedMatMulAttrs}. Backends without it run the three kernels.
 * @example
 *   import * as tf from '@tensorflow/tfjs-core';
 *   const fused = tf.getKernel(EXACT_FUSED_MATMUL_KERNEL, tf.getBackend()) !== undefined;
 */
export const EXACT_FUSED_MATMUL_KERNEL = 'EstimatorjsExactFusedMatMul';

/**
 * Input names of {@link EXACT_FUSED_MATMUL_KERNEL}: float32 `a` [M, K] and `b` [K, N] (or their transposes, per
 * the attributes), and optionally `bias` [N].
 * @example
 *   const names: ReadonlyArray<keyof ExactFusedMatMulInputs> = ['a', 'b', 'bias'];
 */
export interface ExactFusedMatMulInputs<T = unknown> {
  readonly a: T;
  readonly b: T;
  readonly bias?: T;
}

/**
 * Attributes of {@link EXACT_FUSED_MATMUL_KERNEL}: `relu` is tfjs's (`-0` gives `+0`, NaN stays NaN).
 * @example
 *   const attrs: ExactFusedMatMulAttrs = { transposeA: false, transposeB: false, activation: 'relu' };
 */
export interface ExactFusedMatMulAttrs {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly activation: 'linear' | 'relu';
}
