import type * as tf from '@tensorflow/tfjs-core';
import { type MetricOp, metricOp, total } from './metric-op.js';
import { type AtKOptions, type AtTopKOptions, type SparseLabels, topKCounts } from './top-k-counts.js';

/**
 * Precision@k over the whole evaluation (TF's `tf.metrics.precision_at_k`, also `sparse_precision_at_k`):
 * `tp / (tp + fp)` where, per row, each of the `k` highest-scored classes is a true positive if it is among the
 * row's labels and a false positive otherwise. Labels and predictions as in {@link recallAtK}; label ids outside
 * `[0, numClasses)` are ignored. `classId` computes the binary precision of one class: the rows where it is in the
 * top k, and how many of them have it as a label. As in TF the value is NaN when nothing was predicted (no data
 * yet, or `classId` never in the top k).
 * @example
 *   evalMetricOps: { precision_at_3: metrics.precisionAtK(labels, logits, 3) }
 */
export function precisionAtK(
  labels: tf.Tensor | SparseLabels,
  predictions: tf.Tensor,
  k: number,
  options: AtKOptions = {},
): MetricOp {
  const { tp, fp, fn } = topKCounts('metrics.precisionAtK()', labels, predictions, k, options);
  fn.dispose();
  return metricOp({ tp, fp }, (t) => total(t, 'tp') / (total(t, 'tp') + total(t, 'fp')));
}

/**
 * PrecisionAtK from the top-k class ids themselves (TF's `tf.metrics.precision_at_top_k`):
 * `predictionsIdx` is `[batch, k]` (e.g. `tf.topk(logits, k).indices`), labels and options as in {@link precisionAtK};
 * `k`, when given, must equal the last dimension, as TF only uses it for the name.
 * @example
 *   evalMetricOps: { precision_at_5: metrics.precisionAtTopK(labels, tf.topk(logits, 5).indices) }
 */
export function precisionAtTopK(
  labels: tf.Tensor | SparseLabels,
  predictionsIdx: tf.Tensor,
  options: AtTopKOptions = {},
): MetricOp {
  const { tp, fp, fn } = topKCounts('metrics.precisionAtTopK()', labels, predictionsIdx, options.k, options, {
    indices: true,
  });
  fn.dispose();
  return metricOp({ tp, fp }, (t) => total(t, 'tp') / (total(t, 'tp') + total(t, 'fp')));
}
