import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { checkTensor, divNoNan, flatWeights, type MetricOp, type MetricOptions, metricOp, total } from './metric-op.js';

/**
 * Top-k accuracy: the (weighted) fraction of examples whose label is among the `k` highest-scored classes, over
 * the whole evaluation. This is TF's `tf.metrics.recall_at_k` for one label per example (Keras calls it
 * `sparse_top_k_categorical_accuracy`). `labels` are class ids `[batch]` (or `[batch, 1]`); `predictions` are
 * scores or logits `[batch, numClasses]`. Ties go to the lower class id, as in `tf.nn.top_k`.
 * @example
 *   evalMetricOps: { top5_accuracy: metrics.recallAtK(labels, logits, 5) }
 */
export function recallAtK(labels: tf.Tensor, predictions: tf.Tensor, k: number, options: MetricOptions = {}): MetricOp {
  const api = 'metrics.recallAtK()';
  checkTensor(api, 'labels', labels);
  checkTensor(api, 'predictions', predictions);
  if (predictions.rank !== 2) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: predictions must be scores of shape [batch, numClasses]. Received shape [${predictions.shape}].`,
    );
  }
  const [batch, numClasses] = predictions.shape as [number, number];
  if (labels.size !== batch) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: labels must hold one class id per example ([${batch}] or [${batch}, 1]). Received shape [${labels.shape}].`,
    );
  }
  if (!Number.isInteger(k) || k < 1 || k > numClasses) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: k must be an integer in [1, ${numClasses}] (the number of classes). Received ${String(k)}.`,
    );
  }
  const update = tf.tidy(() => {
    const ids = tf.reshape(tf.cast(labels, 'int32'), [batch, 1]);
    const { indices } = tf.topk(predictions, k);
    const hit = tf.cast(tf.any(tf.equal(indices, ids), 1), 'float32');
    const w = flatWeights(api, options.weights, hit);
    return { hits: tf.sum(tf.mul(w, hit)), count: tf.sum(w) };
  });
  return metricOp(update, (t) => divNoNan(total(t, 'hits'), total(t, 'count')));
}
