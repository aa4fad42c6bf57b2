import * as tf from '@tensorflow/tfjs-core';
import { divNoNan, flatPair, flatWeights, type MetricOp, type MetricOptions, metricOp, total } from './metric-op.js';

/** Weighted sum of `f(labels - predictions)` and of the weights, as an update. */
export function errorSums(
  api: string,
  labels: tf.Tensor,
  predictions: tf.Tensor,
  weights: MetricOptions['weights'],
  f: (d: tf.Tensor) => tf.Tensor,
): { sum: tf.Scalar; count: tf.Scalar } {
  return tf.tidy(() => {
    const [l, p] = flatPair(api, labels, predictions);
    const w = flatWeights(api, weights, p);
    return { sum: tf.sum(tf.mul(w, f(tf.sub(l, p)))), count: tf.sum(w) };
  });
}

/**
 * The (weighted) mean of `(labels - predictions)²` over the whole evaluation (TF's
 * `tf.metrics.mean_squared_error`).
 * @example
 *   evalMetricOps: { mse: metrics.meanSquaredError(labels, predictions) }
 */
export function meanSquaredError(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  const update = errorSums('metrics.meanSquaredError()', labels, predictions, options.weights, tf.square);
  return metricOp(update, (t) => divNoNan(total(t, 'sum'), total(t, 'count')));
}

/**
 * The square root of the mean squared error over the whole evaluation (TF's
 * `tf.metrics.root_mean_squared_error`): the root of the streamed mean, not a mean of per-batch roots.
 * @example
 *   evalMetricOps: { rmse: metrics.rootMeanSquaredError(labels, predictions) }
 */
export function rootMeanSquaredError(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  const update = errorSums('metrics.rootMeanSquaredError()', labels, predictions, options.weights, tf.square);
  return metricOp(update, (t) => Math.sqrt(divNoNan(total(t, 'sum'), total(t, 'count'))));
}
