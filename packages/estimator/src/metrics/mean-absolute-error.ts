import * as tf from '@tensorflow/tfjs-core';
import { errorSums } from './mean-squared-error.js';
import { divNoNan, type MetricOp, type MetricOptions, metricOp, total } from './metric-op.js';

/**
 * The (weighted) mean of `|labels - predictions|` over the whole evaluation (TF's
 * `tf.metrics.mean_absolute_error`).
 * @example
 *   evalMetricOps: { mae: metrics.meanAbsoluteError(labels, predictions) }
 */
export function meanAbsoluteError(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  const update = errorSums('metrics.meanAbsoluteError()', labels, predictions, options.weights, tf.abs);
  return metricOp(update, (t) => divNoNan(total(t, 'sum'), total(t, 'count')));
}
