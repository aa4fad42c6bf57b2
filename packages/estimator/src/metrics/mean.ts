import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, divNoNan, flatWeights, type MetricOp, type MetricOptions, metricOp, total } from './metric-op.js';

/**
 * The (weighted) mean of every element of `values` over the whole evaluation (TF's `tf.metrics.mean`).
 * @example
 *   evalMetricOps: { mean_confidence: metrics.mean(tf.max(probabilities, -1)) }
 */
export function mean(values: tf.Tensor, options: MetricOptions = {}): MetricOp {
  checkTensor('metrics.mean()', 'values', values);
  const update = tf.tidy(() => {
    const w = flatWeights('metrics.mean()', options.weights, values);
    return { sum: tf.sum(tf.mul(w, tf.cast(tf.reshape(values, [-1]), 'float32'))), count: tf.sum(w) };
  });
  return metricOp(update, (t) => divNoNan(total(t, 'sum'), total(t, 'count')));
}
