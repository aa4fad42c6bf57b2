import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';
import { addLoss } from './collections.js';

/**
 * How a loss function reduces its weighted per-element losses (TF's `tf.losses.Reduction`, with TF's values).
 * - `NONE`: the weighted losses, same shape as the input.
 * - `SUM`: their sum.
 * - `MEAN`: the sum divided by the sum of the (broadcast) weights.
 * - `SUM_OVER_BATCH_SIZE`: the sum divided by the number of loss elements.
 * - `SUM_BY_NONZERO_WEIGHTS` (the default, alias `SUM_OVER_NONZERO_WEIGHTS`): the sum divided by the number of
 *   loss elements whose broadcast weight is not zero.
 * Every division is "no NaN": a zero denominator gives 0, as in TF.
 * @example
 *   losses.meanSquaredError({ labels, predictions, reduction: Reduction.SUM });
 */
export const Reduction = {
  NONE: 'none',
  SUM: 'weighted_sum',
  MEAN: 'weighted_mean',
  SUM_OVER_BATCH_SIZE: 'weighted_sum_over_batch_size',
  SUM_BY_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
  SUM_OVER_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
} as const;

/** One of {@link Reduction}'s values. */
export type ReductionKey = (typeof Reduction)[keyof typeof Reduction];

/** Loss weights: a number, or a tensor of rank 0 or of the losses' rank with each dimension 1 or equal (TF's rule). */
export type LossWeights = number | tf.Tensor;

/** The options every loss function takes. */
export interface LossOptions {
  /** Coefficients of the per-element losses (default 1). */
  readonly weights?: LossWeights;
  /** Default `Reduction.SUM_BY_NONZERO_WEIGHTS`, as in TF 1.x. */
  readonly reduction?: ReductionKey;
}

/**
 * What a loss function returns for options `O`: a scalar, unless `reduction` may be `Reduction.NONE` (then the
 * weighted per-element losses).
 */
export type LossResult<O> = O extends { readonly reduction: infer R }
  ? 'none' extends R
    ? tf.Tensor
    : tf.Scalar
  : tf.Scalar;

const KEYS = new Set<string>(Object.values(Reduction));

/** Throws unless `reduction` is one of TF's reduction keys. */
export function checkReduction(api: string, reduction: unknown): ReductionKey {
  if (reduction === undefined) return Reduction.SUM_BY_NONZERO_WEIGHTS;
  if (typeof reduction !== 'string' || !KEYS.has(reduction)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: reduction must be one of Reduction.NONE, SUM, MEAN, SUM_OVER_BATCH_SIZE, SUM_BY_NONZERO_WEIGHTS (${[...KEYS].map((k) => JSON.stringify(k)).join(', ')}). Received ${describe(reduction)}.`,
    );
  }
  return reduction as ReductionKey;
}

/**
 * Throws unless `weights` can scale losses of shape `lossShape` under TF 1.x's rule (`assert_broadcastable`): a scalar,
 * or the same rank with every dimension 1 or equal to the losses' dimension.
 */
export function checkWeights(api: string, weights: unknown, lossShape: readonly number[]): void {
  if (weights === undefined || typeof weights === 'number') {
    if (weights === undefined || Number.isFinite(weights)) return;
  } else if (typeof weights === 'object' && weights !== null && 'shape' in weights && 'dtype' in weights) {
    const shape = (weights as tf.Tensor).shape;
    if (shape.length === 0) return;
    if (shape.length === lossShape.length && shape.every((d, i) => d === 1 || d === lossShape[i])) return;
    const hint =
      shape.length === 1 && lossShape.length === 2 && shape[0] === lossShape[0]
        ? ` For per-example weights reshape them to [${shape[0]}, 1].`
        : '';
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: weights of shape [${shape}] cannot scale losses of shape [${lossShape}]; weights must be a scalar or have the losses' rank with each dimension 1 or equal.${hint}`,
    );
  }
  throw new ModelFnError(
    'INVALID_ARGUMENT',
    `${api}: weights must be a finite number or a tensor. Received ${describe(weights)}.`,
  );
}

/**
 * Scales `losses` by `weights` and reduces them (TF's `tf.losses.compute_weighted_loss`). Inside a model_fn the result
 * joins the step's losses collection (`losses.getLosses()`, `losses.getTotalLoss()`).
 * @example
 *   const loss = losses.computeWeightedLoss(tf.square(tf.sub(y, yHat)), { weights: mask });
 */
export function computeWeightedLoss(losses: tf.Tensor, options: LossOptions = {}): tf.Tensor {
  const api = 'losses.computeWeightedLoss()';
  return weightedLoss(api, losses, options);
}

/** {@link computeWeightedLoss} with the calling API's name in errors; validates `options` first. */
export function weightedLoss<R extends tf.Tensor = tf.Tensor>(api: string, losses: tf.Tensor, options: LossOptions): R {
  const reduction = checkReduction(api, options.reduction);
  const weights = options.weights ?? 1;
  checkWeights(api, weights, losses.shape);
  const loss = tf.tidy(() => {
    const l = tf.cast(losses, 'float32');
    // Weights of exactly 1 (the default) scale nothing (x · 1 = x in IEEE arithmetic): no multiply, forward or back.
    const unit = weights === 1;
    const w = typeof weights === 'number' ? tf.scalar(weights) : tf.cast(weights, 'float32');
    const weighted = unit ? l : tf.mul(l, w);
    if (reduction === Reduction.NONE) return weighted;
    const sum = tf.sum(weighted);
    if (reduction === Reduction.SUM) return sum;
    // A denominator known here and not zero (the batch size, or the number present under a non-zero number weight):
    // safeDiv's zero test is already decided, so the step runs a division instead of its compare-and-select kernels
    // (same value and gradient: the selects pass the quotient and its gradient through unchanged).
    const count = l.size;
    const known =
      reduction === Reduction.SUM_OVER_BATCH_SIZE ||
      (reduction !== Reduction.MEAN && typeof weights === 'number' && weights !== 0);
    if (known && count > 0) return tf.div(sum, tf.scalar(count));
    let denominator: tf.Tensor;
    if (reduction === Reduction.MEAN) denominator = tf.sum(tf.mul(tf.ones(l.shape), w));
    else if (reduction === Reduction.SUM_OVER_BATCH_SIZE) denominator = tf.scalar(count);
    else denominator = numPresent(l, weights, w);
    return safeDiv(sum, denominator);
  });
  addLoss(loss);
  return loss as R;
}

/**
 * What `weightedLoss` does to `count` losses under `options` when that is a plain sum, maybe divided by a number known
 * here: weights of exactly 1 (or none) under SUM (divisor null), SUM_BY_NONZERO_WEIGHTS or SUM_OVER_BATCH_SIZE
 * (divisor `count`). Null when the reduction needs the general path (NONE, MEAN, other weights, no losses). Lets a loss
 * fuse its reduction into its own op and get the same value (validates `options` as weightedLoss does).
 */
export function unitWeightReduction(
  api: string,
  options: LossOptions,
  count: number,
): { divisor: number | null } | null {
  const reduction = checkReduction(api, options.reduction);
  const weights = options.weights ?? 1;
  checkWeights(api, weights, [count]);
  if (weights !== 1 || count === 0) return null;
  if (reduction === Reduction.SUM) return { divisor: null };
  if (reduction === Reduction.SUM_BY_NONZERO_WEIGHTS || reduction === Reduction.SUM_OVER_BATCH_SIZE) {
    return { divisor: count };
  }
  return null;
}

/** How many loss elements have a non-zero broadcast weight (TF's `_num_present`). */
function numPresent(losses: tf.Tensor, weights: LossWeights, w: tf.Tensor): tf.Tensor {
  if (typeof weights === 'number' && weights !== 0) return tf.scalar(losses.size);
  const present = tf.cast(tf.notEqual(w, 0), 'float32');
  return tf.sum(tf.mul(present, tf.ones(losses.shape)));
}

/**
 * `numerator / denominator`, or 0 where the denominator is 0 (TF's `_safe_div`). Not tf.divNoNan: its zero test
 * compares against zerosLike(numerator), which puts an Equal kernel (no gradient in tfjs) on the gradient path.
 * The denominator must not depend on what gradients are taken for (weights and counts never do).
 */
export function safeDiv(numerator: tf.Tensor, denominator: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const nonzero = tf.notEqual(denominator, 0);
    const d = tf.where(nonzero, denominator, tf.ones(denominator.shape));
    const q = tf.div(numerator, d);
    return tf.where(tf.broadcastTo(nonzero, q.shape), q, tf.zeros(q.shape));
  });
}
