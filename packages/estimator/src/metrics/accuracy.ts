import * as tf from '@tensorflow/tfjs-core';
import { divNoNan, flatPair, flatWeights, type MetricOp, type MetricOptions, metricOp, total } from './metric-op.js';

/**
 * The (weighted) fraction of predictions equal to labels over the whole evaluation (TF's `tf.metrics.accuracy`).
 * Labels and predictions are compared element-wise, so pass class ids for both (e.g. `tf.argMax(logits, -1)`).
 * @example
 *   evalMetricOps: { accuracy: metrics.accuracy(labels, tf.argMax(logits, -1)) }
 */
export function accuracy(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  const update = tf.tidy(() => {
    const [l, p] = flatPair('metrics.accuracy()', labels, predictions);
    const w = flatWeights('metrics.accuracy()', options.weights, l);
    return { correct: tf.sum(tf.mul(w, tf.cast(tf.equal(l, p), 'float32'))), count: tf.sum(w) };
  });
  return metricOp(update, (t) => divNoNan(total(t, 'correct'), total(t, 'count')));
}
