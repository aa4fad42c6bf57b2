import type * as tf from '@tensorflow/tfjs-core';
import { type MetricOp, metricOp, total } from './metric-op.js';
import { type AtKOptions, type AtTopKOptions, type SparseLabels, topKCounts } from './top-k-counts.js';

/**
 * Recall@k over the whole evaluation (TF's `tf.metrics.recall_at_k`): `tp / (tp + fn)` where, per row, the true
 * positives are the labels found among the `k` highest-scored classes and the false negatives the labels that are
 * not. With one label per example this is top-k accuracy (Keras' `sparse_top_k_categorical_accuracy`).
 * `labels` are class ids `[batch]`, `[batch, numLabels]` (multi-label; every entry is a label) or sparse labels
 * `{ indices, values, denseShape }` for rows with different numbers of labels; `predictions` are scores or logits
 * `[batch, numClasses]` (more leading dimensions work too). Ids outside `[0, numClasses)` count as false
 * negatives. `classId` computes the binary recall of one class. `weights` are per row (`[batch]`). As in TF the
 * value is NaN when there is no label to recall (no data yet, or `classId` never a label). Ties in the scores go to
 * the lower class id, as in `tf.nn.top_k`.
 * @example
 *   evalMetricOps: {
 *     top5_accuracy: metrics.recallAtK(labels, logits, 5),
 *     recall_at_1_class_3: metrics.recallAtK(labels, logits, 1, { classId: 3 }),
 *   }
 */
export function recallAtK(
  labels: tf.Tensor | SparseLabels,
  predictions: tf.Tensor,
  k: number,
  options: AtKOptions = {},
): MetricOp {
  const { tp, fp, fn } = topKCounts('metrics.recallAtK()', labels, predictions, k, options);
  fp.dispose();
  return metricOp({ tp, fn }, (t) => total(t, 'tp') / (total(t, 'tp') + total(t, 'fn')));
}

/**
 * RecallAtK from the top-k class ids themselves (TF's `tf.metrics.recall_at_top_k`):
 * `predictionsIdx` is `[batch, k]` (e.g. `tf.topk(logits, k).indices`), labels and options as in {@link recallAtK};
 * `k`, when given, must equal the last dimension, as TF only uses it for the name.
 * @example
 *   evalMetricOps: { recall_at_5: metrics.recallAtTopK(labels, tf.topk(logits, 5).indices) }
 */
export function recallAtTopK(
  labels: tf.Tensor | SparseLabels,
  predictionsIdx: tf.Tensor,
  options: AtTopKOptions = {},
): MetricOp {
  const { tp, fp, fn } = topKCounts('metrics.recallAtTopK()', labels, predictionsIdx, options.k, options, {
    indices: true,
  });
  fp.dispose();
  return metricOp({ tp, fn }, (t) => total(t, 'tp') / (total(t, 'tp') + total(t, 'fn')));
}
