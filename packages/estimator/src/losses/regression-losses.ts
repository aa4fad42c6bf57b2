import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { type LossOptions, type LossResult, safeDiv, weightedLoss } from './reduction.js';

/** Options of the losses that compare `predictions` with `labels` of the same shape. */
export interface RegressionLossOptions extends LossOptions {
  readonly labels: tf.Tensor;
  readonly predictions: tf.Tensor;
}

const COMMON = ['labels', 'predictions', 'weights', 'reduction'] as const;

function checkCompatible(
  api: string,
  labels: tf.Tensor | undefined,
  predictions: tf.Tensor | undefined,
  what = 'predictions',
): void {
  const ok =
    labels !== undefined &&
    predictions !== undefined &&
    labels.rank === predictions.rank &&
    labels.shape.every((d, i) => d === predictions.shape[i]);
  if (!ok) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: labels and ${what} must have the same shape. Received labels ${describe(labels)} and ${what} ${describe(predictions)}.`,
    );
  }
}

/** Runs `perElement` on float32 copies of labels and predictions and reduces the result with the options. */
function elementwise<R extends tf.Tensor>(
  api: string,
  options: RegressionLossOptions,
  extra: readonly string[],
  perElement: (labels: tf.Tensor, predictions: tf.Tensor) => tf.Tensor,
  what = 'predictions',
): R {
  checkOptionKeys(api, options, [...COMMON, ...extra]);
  const labels = options.labels;
  const predictions = (options as unknown as Record<string, tf.Tensor>)[what] ?? options.predictions;
  checkCompatible(api, labels, predictions, what);
  const losses = tf.tidy(() => perElement(tf.cast(labels, 'float32'), tf.cast(predictions, 'float32')));
  try {
    return weightedLoss<R>(api, losses, options);
  } finally {
    losses.dispose();
  }
}

/**
 * `(predictions - labels)²` per element, weighted and reduced (TF's `tf.losses.mean_squared_error`).
 * @example
 *   const loss = losses.meanSquaredError({ labels, predictions });
 */
export function meanSquaredError<O extends RegressionLossOptions>(options: O): LossResult<O> {
  return elementwise('losses.meanSquaredError()', options, [], (y, p) => tf.squaredDifference(p, y));
}

/**
 * `|predictions - labels|` per element, weighted and reduced (TF's `tf.losses.absolute_difference`).
 * @example
 *   const loss = losses.absoluteDifference({ labels, predictions, weights: 0.5 });
 */
export function absoluteDifference<O extends RegressionLossOptions>(options: O): LossResult<O> {
  return elementwise('losses.absoluteDifference()', options, [], (y, p) => tf.abs(tf.sub(p, y)));
}

/**
 * Huber loss per element (TF's `tf.losses.huber_loss`): `0.5 x²` where `|x| <= delta`, else
 * `0.5 delta² + delta (|x| - delta)`, with `x = predictions - labels` and `delta` default 1.
 * @example
 *   const loss = losses.huberLoss({ labels, predictions, delta: 2 });
 */
export function huberLoss<O extends RegressionLossOptions & { readonly delta?: number }>(options: O): LossResult<O> {
  const api = 'losses.huberLoss()';
  const delta = options?.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: delta must be a number > 0. Received ${describe(delta)}.`);
  }
  return elementwise(api, options, ['delta'], (y, p) => {
    const absError = tf.abs(tf.sub(p, y));
    const quadratic = tf.minimum(absError, delta);
    // |x| - min(|x|, delta) rather than max(|x| - delta, 0): its gradient at |x| = delta is 0, as in TF, so the
    // quadratic part alone carries the gradient there.
    const linear = tf.sub(absError, quadratic);
    return tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(delta, linear));
  });
}

/**
 * Log loss of probabilities per element (TF's `tf.losses.log_loss`):
 * `-y log(p + epsilon) - (1 - y) log(1 - p + epsilon)`, `epsilon` default 1e-7.
 * @example
 *   const loss = losses.logLoss({ labels, predictions: tf.sigmoid(logits) });
 */
export function logLoss<O extends RegressionLossOptions & { readonly epsilon?: number }>(options: O): LossResult<O> {
  const api = 'losses.logLoss()';
  const epsilon = options?.epsilon ?? 1e-7;
  if (typeof epsilon !== 'number' || !(epsilon >= 0)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: epsilon must be a number >= 0. Received ${describe(epsilon)}.`);
  }
  return elementwise(api, options, ['epsilon'], (y, p) =>
    tf.sub(tf.neg(tf.mul(y, tf.log(tf.add(p, epsilon)))), tf.mul(tf.sub(1, y), tf.log(tf.add(tf.sub(1, p), epsilon)))),
  );
}

/**
 * Hinge loss per element for labels in {0, 1} (TF's `tf.losses.hinge_loss`): `max(0, 1 - (2y - 1) · logits)`.
 * @example
 *   const loss = losses.hingeLoss({ labels, logits });
 */
export function hingeLoss<O extends LossOptions & { readonly labels: tf.Tensor; readonly logits: tf.Tensor }>(
  options: O,
): LossResult<O> {
  const api = 'losses.hingeLoss()';
  checkOptionKeys(api, options, ['labels', 'logits', 'weights', 'reduction']);
  return elementwise(
    api,
    options as unknown as RegressionLossOptions,
    ['logits'],
    (y, z) => tf.relu(tf.sub(1, tf.mul(tf.sub(tf.mul(2, y), 1), z))),
    'logits',
  );
}

/**
 * Cosine distance along `axis` of unit-normalized `labels` and `predictions` (TF's `tf.losses.cosine_distance`):
 * `1 - sum(labels * predictions, axis)`, kept as a dimension of size 1, so weights have the inputs' rank.
 * @example
 *   const loss = losses.cosineDistance({ labels: unitLabels, predictions: unitPredictions, axis: 1 });
 */
export function cosineDistance<O extends RegressionLossOptions & { readonly axis: number }>(options: O): LossResult<O> {
  const api = 'losses.cosineDistance()';
  const axis = options?.axis;
  const rank = options?.predictions?.rank ?? 0;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: axis must be an integer in [${-rank}, ${rank}) for inputs of rank ${rank}. Received ${describe(axis)}.`,
    );
  }
  return elementwise(api, options, ['axis'], (y, p) => tf.sub(1, tf.sum(tf.mul(p, y), axis, true)));
}

/**
 * Mean pairwise squared error (TF's `tf.losses.mean_pairwise_squared_error`): per example, the mean over pairs
 * `i < j` of `((y_i - y_j) - (p_i - p_j))²`, computed as TF does from the sums of the differences over the elements
 * whose weights are not zero. Inputs are `[batch, d0, …]`; `weights` is a scalar, `[batch]` or `[batch, 1, …]`.
 * @example
 *   const loss = losses.meanPairwiseSquaredError({ labels, predictions });
 */
export function meanPairwiseSquaredError<O extends RegressionLossOptions>(options: O): LossResult<O> {
  const api = 'losses.meanPairwiseSquaredError()';
  checkOptionKeys(api, options, COMMON);
  const { labels, predictions } = options;
  checkCompatible(api, labels, predictions);
  if (predictions.rank < 2) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: inputs must have shape [batch, d0, ...] (rank >= 2). Received shape [${predictions.shape}].`,
    );
  }
  // Per-example weights [batch] become [batch, 1, …] (TF's docs promise [batch]; its rank check would refuse them).
  // Full-shape weights are refused by the rank-and-size check below, as TF refuses them against [batch, 1, …].
  const w = options.weights ?? 1;
  let weights: number | tf.Tensor = w;
  if (typeof w === 'object' && w.rank === 1)
    weights = tf.reshape(w, [w.shape[0]!, ...labels.shape.slice(1).map(() => 1)]);
  const perExample = tf.tidy(() => {
    const diffs = tf.sub(tf.cast(predictions, 'float32'), tf.cast(labels, 'float32'));
    const axes = Array.from({ length: diffs.rank - 1 }, (_, i) => i + 1);
    const wt = typeof weights === 'number' ? tf.scalar(weights) : tf.cast(weights, 'float32');
    const present = tf.mul(tf.cast(tf.notEqual(wt, 0), 'float32'), tf.ones(diffs.shape));
    const n = tf.sum(present, axes, true);
    const term1 = tf.mul(2, safeDiv(tf.sum(tf.square(diffs), axes, true), tf.sub(n, 1)));
    const term2 = tf.mul(2, safeDiv(tf.square(tf.sum(diffs, axes, true)), tf.mul(n, tf.sub(n, 1))));
    return tf.sub(term1, term2);
  });
  try {
    return weightedLoss(api, perExample, { weights, reduction: options.reduction });
  } finally {
    perExample.dispose();
    if (weights !== w) (weights as tf.Tensor).dispose();
  }
}
