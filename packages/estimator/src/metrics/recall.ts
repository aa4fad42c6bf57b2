import * as tf from '@tensorflow/tfjs-core';
import type { MetricOp, MetricOptions } from './metric-op.js';
import { divNoNan, metricOp, total } from './metric-op.js';
import { binaryCounts } from './precision.js';

/**
 * Recall, `tp / (tp + fn)`, of boolean predictions over the whole evaluation (TF's `tf.metrics.recall`);
 * non-zero labels and predictions count as true. 0 when there were no positive labels.
 * @example
 *   evalMetricOps: { recall: metrics.recall(labels, tf.greater(probabilities, 0.5)) }
 */
export function recall(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  const { tp, fp, tn, fn } = binaryCounts('metrics.recall()', labels, predictions, options.weights);
  tf.dispose([fp, tn]);
  return metricOp({ tp, fn }, (t) => divNoNan(total(t, 'tp'), total(t, 'tp') + total(t, 'fn')));
}
