import * as tf from '@tensorflow/tfjs-core';
import { divNoNan, flatPair, flatWeights, type MetricOp, type MetricOptions, metricOp, total } from './metric-op.js';

/**
 * Weighted true positives, false positives, true negatives and false negatives of boolean labels and predictions
 * (any non-zero value is true, as TF casts both to bool). Weights broadcast to the labels' shape.
 */
export function binaryCounts(
  api: string,
  labels: tf.Tensor,
  predictions: tf.Tensor,
  weights: MetricOptions['weights'],
): { tp: tf.Scalar; fp: tf.Scalar; tn: tf.Scalar; fn: tf.Scalar } {
  return tf.tidy(() => {
    const [l0, p0] = flatPair(api, labels, predictions);
    const w = flatWeights(api, weights, labels);
    const l = tf.cast(tf.notEqual(l0, 0), 'float32');
    const p = tf.cast(tf.notEqual(p0, 0), 'float32');
    const wl = tf.mul(w, l);
    const wNotL = tf.sub(w, wl);
    return {
      tp: tf.sum(tf.mul(wl, p)),
      fp: tf.sum(tf.mul(wNotL, p)),
      tn: tf.sum(tf.mul(wNotL, tf.sub(1, p))),
      fn: tf.sum(tf.mul(wl, tf.sub(1, p))),
    };
  });
}

/**
 * Precision, `tp / (tp + fp)`, of boolean predictions over the whole evaluation (TF's `tf.metrics.precision`);
 * non-zero labels and predictions count as true. 0 when nothing was predicted positive.
 * @example
 *   evalMetricOps: { precision: metrics.precision(labels, tf.greater(probabilities, 0.5)) }
 */
export function precision(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  const { tp, fp, tn, fn } = binaryCounts('metrics.precision()', labels, predictions, options.weights);
  tf.dispose([tn, fn]);
  return metricOp({ tp, fp }, (t) => divNoNan(total(t, 'tp'), total(t, 'tp') + total(t, 'fp')));
}
