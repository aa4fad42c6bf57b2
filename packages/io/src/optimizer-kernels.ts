// The contract of the fused optimizer kernels (Adam, momentum, RMSProp): the estimator's optimizers call them by name (through tfjs's
// kernel registry), @estimatorjs/backends and @estimatorjs/native implement them. The name lives here, the one
// package below both: the estimator may not import a backend, and a backend package should not depend on the
// estimator. Like tfjs-core's kernel_names.ts, plain strings and types only (io stays free of tfjs-core).

/**
 * The tfjs kernel name of the fused Adam update: one kernel per variable instead of the ~11 elementwise kernels
 * of the composite update. Inputs {@link ApplyAdamInputs}, attributes {@link ApplyAdamAttrs}; outputs the new
 * `[variable, m, v]`. Backends without it (webgl, webgpu, tensorflow) run the composite ops.
 * @example
 *   import * as tf from '@tensorflow/tfjs-core';
 *   const fused = tf.getKernel(APPLY_ADAM_KERNEL, tf.getBackend()) !== undefined;
 */
export const APPLY_ADAM_KERNEL = 'EstimatorjsApplyAdam';

/**
 * Input names of {@link APPLY_ADAM_KERNEL}: float32 tensors of one shape. The kernel writes new outputs and
 * never changes its inputs.
 * @example
 *   const names: ReadonlyArray<keyof ApplyAdamInputs> = ['variable', 'm', 'v', 'grad'];
 */
export interface ApplyAdamInputs<T = unknown> {
  readonly variable: T;
  /** The first-moment slot. */
  readonly m: T;
  /** The second-moment slot. */
  readonly v: T;
  readonly grad: T;
}

/**
 * Attributes of {@link APPLY_ADAM_KERNEL}. The result must equal, bit for bit, the composite float32 update
 * ```
 * m' = β1·m + c1·g;   v' = β2·v + c2·(g·g);   var' = var − lrT·(m' / (√v' + ε))
 * ```
 * with each operation rounded to float32 in that order (no fused multiply-add), where β1, β2, ε, lrT are these
 * numbers rounded to float32 and c1 = float32(1 − beta1), c2 = float32(1 − beta2) with the subtraction in float64
 * (what `tf.scalar(1 - beta1)` holds).
 * @example
 *   const attrs: ApplyAdamAttrs = { lrT: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
 */
export interface ApplyAdamAttrs {
  /** The bias-corrected rate `lr·√(1 − β2^t) / (1 − β1^t)`, already a float32 value. */
  readonly lrT: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

/**
 * The tfjs kernel name of the fused momentum update (TF's ApplyMomentum): one kernel per variable instead of
 * three or five. Inputs {@link ApplyMomentumInputs}, attributes {@link ApplyMomentumAttrs}; outputs the new
 * `[variable, accum]`.
 * @example
 *   import * as tf from '@tensorflow/tfjs-core';
 *   const fused = tf.getKernel(APPLY_MOMENTUM_KERNEL, tf.getBackend()) !== undefined;
 */
export const APPLY_MOMENTUM_KERNEL = 'EstimatorjsApplyMomentum';

/**
 * Input names of {@link APPLY_MOMENTUM_KERNEL}: float32 tensors of one shape, never changed by the kernel.
 * @example
 *   const names: ReadonlyArray<keyof ApplyMomentumInputs> = ['variable', 'accum', 'grad'];
 */
export interface ApplyMomentumInputs<T = unknown> {
  readonly variable: T;
  /** The momentum slot. */
  readonly accum: T;
  readonly grad: T;
}

/**
 * Attributes of {@link APPLY_MOMENTUM_KERNEL}. The result must equal, bit for bit, the composite float32 update
 * ```
 * accum' = μ·accum + g;   var' = var − lr·accum'   (Nesterov: var' = var − (lr·g + lrμ·accum'))
 * ```
 * each operation rounded to float32 in that order (no fused multiply-add), where lr, μ are these numbers rounded to
 * float32 and lrμ = float32(lr·momentum) with the product in float64 (what `tf.mul(lr * momentum, accum)` uses).
 * @example
 *   const attrs: ApplyMomentumAttrs = { lr: 0.01, momentum: 0.9, useNesterov: false };
 */
export interface ApplyMomentumAttrs {
  readonly lr: number;
  readonly momentum: number;
  readonly useNesterov: boolean;
}

/**
 * The tfjs kernel name of the fused RMSProp update (TF's ApplyRMSProp and ApplyCenteredRMSProp): one kernel per
 * variable instead of 9 to 13. Inputs {@link ApplyRMSPropInputs}, attributes {@link ApplyRMSPropAttrs}; outputs
 * the new `[variable, ms, mom]`, or `[variable, ms, mg, mom]` when centered.
 * @example
 *   import * as tf from '@tensorflow/tfjs-core';
 *   const fused = tf.getKernel(APPLY_RMSPROP_KERNEL, tf.getBackend()) !== undefined;
 */
export const APPLY_RMSPROP_KERNEL = 'EstimatorjsApplyRMSProp';

/**
 * Input names of {@link APPLY_RMSPROP_KERNEL}: float32 tensors of one shape, never changed by the kernel.
 * @example
 *   const names: ReadonlyArray<keyof ApplyRMSPropInputs> = ['variable', 'ms', 'mom', 'grad', 'mg'];
 */
export interface ApplyRMSPropInputs<T = unknown> {
  readonly variable: T;
  /** The mean square slot. */
  readonly ms: T;
  /** The momentum slot. */
  readonly mom: T;
  readonly grad: T;
  /** The mean gradient slot; only when centered. */
  readonly mg?: T;
}

/**
 * Attributes of {@link APPLY_RMSPROP_KERNEL}. The result must equal, bit for bit, the composite float32 update
 * ```
 * ms' = ρ·ms + c·(g·g);   [centered: mg' = ρ·mg + c·g;  d = ms' − mg'·mg']  else d = ms'
 * mom' = μ·mom + (lr·g) / √(d + ε);   var' = var − mom'
 * ```
 * each operation rounded to float32 in that order (no fused multiply-add), where ρ, μ, lr, ε are these numbers
 * rounded to float32 and c = float32(1 − decay) with the subtraction in float64.
 * @example
 *   const attrs: ApplyRMSPropAttrs = { lr: 0.001, decay: 0.9, momentum: 0, epsilon: 1e-10, centered: false };
 */
export interface ApplyRMSPropAttrs {
  readonly lr: number;
  readonly decay: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
}
