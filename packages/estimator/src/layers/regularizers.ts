import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';
import { addRegularizationLoss } from '../losses/collections.js';
import { maybeActiveContext } from '../model-fn-context.js';

/**
 * A regularizer: any function from a weight (or activation) tensor to a scalar penalty, or null for none, as
 * tf.layers takes any callable. The penalties join the model_fn call's regularization losses
 * (`losses.getRegularizationLosses()`); they reach the gradients only through a loss you minimize, e.g.
 * `losses.getTotalLoss()` or `tf.add(loss, losses.getRegularizationLoss())`, as in TF.
 */
export type Regularizer = (x: tf.Tensor) => tf.Scalar | null;

function checkScale(api: string, scale: unknown): number {
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: scale must be a finite number >= 0. Received ${describe(scale)}.`,
    );
  }
  return scale;
}

const sumAbs = (x: tf.Tensor) => tf.sum(tf.abs(x));
/** TF's `tf.nn.l2_loss`: sum(x²) / 2. */
const l2Loss = (x: tf.Tensor) => tf.div(tf.sum(tf.square(x)), 2);

/**
 * TF 1.x's `tf.contrib.layers.l1_regularizer(scale)`: `scale * sum(|w|)`. A scale of 0 disables it (no loss added).
 * @example
 *   layers.dense(x, 10, { kernelRegularizer: regularizers.l1Regularizer(1e-4) });
 */
function l1Regularizer(scale: number): Regularizer {
  const s = checkScale('regularizers.l1Regularizer()', scale);
  return (w) => (s === 0 ? null : tf.tidy(() => tf.mul(s, sumAbs(w)) as tf.Scalar));
}

/**
 * TF 1.x's `tf.contrib.layers.l2_regularizer(scale)`: `scale * tf.nn.l2_loss(w)` = `scale * sum(w²) / 2` (note the
 * half; Keras' `l2` has none, see {@link l2}). A scale of 0 disables it.
 * @example
 *   layers.dense(x, 10, { kernelRegularizer: regularizers.l2Regularizer(1e-4) });
 */
function l2Regularizer(scale: number): Regularizer {
  const s = checkScale('regularizers.l2Regularizer()', scale);
  return (w) => (s === 0 ? null : tf.tidy(() => tf.mul(s, l2Loss(w)) as tf.Scalar));
}

/**
 * TF 1.x's `tf.contrib.layers.l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0)`:
 * `scaleL1 * sum(|w|) + scaleL2 * sum(w²) / 2`.
 * @example
 *   layers.dense(x, 10, { kernelRegularizer: regularizers.l1L2Regularizer(1e-5, 1e-4) });
 */
function l1L2Regularizer(scaleL1 = 1, scaleL2 = 1): Regularizer {
  const a = checkScale('regularizers.l1L2Regularizer()', scaleL1);
  const b = checkScale('regularizers.l1L2Regularizer()', scaleL2);
  return (w) =>
    a === 0 && b === 0 ? null : tf.tidy(() => tf.add(tf.mul(a, sumAbs(w)), tf.mul(b, l2Loss(w))) as tf.Scalar);
}

/**
 * Keras' `tf.keras.regularizers.l1(l=0.01)`: `l * sum(|w|)`.
 * @example
 *   layers.dense(x, 10, { kernelRegularizer: regularizers.l1(0.01) });
 */
function l1(l = 0.01): Regularizer {
  return l1Regularizer(checkScale('regularizers.l1()', l));
}

/**
 * Keras' `tf.keras.regularizers.l2(l=0.01)`: `l * sum(w²)`, without TF 1.x contrib's half.
 * @example
 *   layers.dense(x, 10, { kernelRegularizer: regularizers.l2(0.01) });
 */
function l2(l = 0.01): Regularizer {
  const s = checkScale('regularizers.l2()', l);
  return (w) => (s === 0 ? null : tf.tidy(() => tf.mul(s, tf.sum(tf.square(w))) as tf.Scalar));
}

/**
 * Keras' `tf.keras.regularizers.l1_l2(l1=0.01, l2=0.01)`: `l1 * sum(|w|) + l2 * sum(w²)`.
 * @example
 *   layers.dense(x, 10, { kernelRegularizer: regularizers.l1L2({ l1: 0.01, l2: 0.01 }) });
 */
function l1L2(options: { l1?: number; l2?: number } = {}): Regularizer {
  const a = checkScale('regularizers.l1L2()', options.l1 ?? 0.01);
  const b = checkScale('regularizers.l1L2()', options.l2 ?? 0.01);
  return (w) =>
    a === 0 && b === 0
      ? null
      : tf.tidy(() => tf.add(tf.mul(a, sumAbs(w)), tf.mul(b, tf.sum(tf.square(w)))) as tf.Scalar);
}

/**
 * Weight regularizers: TF 1.x's `tf.contrib.layers` factories (`l1Regularizer`, `l2Regularizer` = `scale * sum(w²)/2`,
 * `l1L2Regularizer`) and Keras' (`l1`, `l2` = `l * sum(w²)`, `l1L2`). Any `(w) => scalar` function works too.
 * @example
 *   const hidden = layers.dense(x, 64, { kernelRegularizer: regularizers.l2Regularizer(1e-3) });
 */
export const regularizers = { l1Regularizer, l2Regularizer, l1L2Regularizer, l1, l2, l1L2 } as const;

/** Runs a user regularizer and checks that it returned a scalar (or null for none). */
export function runRegularizer(api: string, what: string, regularizer: unknown, x: tf.Tensor): tf.Scalar | null {
  if (typeof regularizer !== 'function') {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: ${what} must be a function from a tensor to a scalar (e.g. regularizers.l2Regularizer(1e-4)). Received ${describe(regularizer)}.`,
    );
  }
  const out = (regularizer as Regularizer)(x);
  if (out === null || out === undefined) return null;
  if (!(typeof out === 'object' && 'rank' in out && (out as tf.Tensor).rank === 0)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: ${what} must return a scalar tensor (or null). Received ${describe(out)}.`,
    );
  }
  return out;
}

/**
 * A layer's `activityRegularizer` on its output, divided by the batch size as TF 1.15's layers do ("batch-agnostic"),
 * added to the regularization losses. Does nothing when `regularizer` is undefined, and in PREDICT mode.
 */
export function regularizeActivity(api: string, regularizer: unknown, output: tf.Tensor): void {
  if (regularizer === undefined || maybeActiveContext()?.mode === 'infer') return;
  const penalty = runRegularizer(api, 'activityRegularizer', regularizer, output);
  if (!penalty) return;
  const batch = output.rank === 0 ? 1 : output.shape[0]!;
  addRegularizationLoss(tf.div(penalty, batch));
}
