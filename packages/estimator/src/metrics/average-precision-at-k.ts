import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import {
  checkTensor,
  divNoNan,
  flatWeights,
  isTensor,
  type MetricOp,
  type MetricOptions,
  metricOp,
  total,
} from './metric-op.js';
import { distinctMask, labelSets, type SparseLabels } from './top-k-counts.js';

/**
 * Mean average precision@k over the whole evaluation (TF's `tf.metrics.average_precision_at_k`, also
 * `sparse_average_precision_at_k`): per row, `AveP = Σ_{i≤k} P_i · rel_i / min(numLabels, k)` where `rel_i` says
 * whether the i-th highest-scored class is a label and `P_i` is the precision of the first `i`; the rows' AveP are
 * averaged with `weights` (per row). Labels as in `recallAtK`; as in TF, ids `>= numClasses` are treated as -1,
 * and `numLabels` counts a dense row's non-negative entries or a sparse row's distinct values. A row without any
 * label gives NaN, as in TF; 0 before any data.
 * @example
 *   evalMetricOps: { map_at_10: metrics.averagePrecisionAtK(labels, scores, 10) }
 */
export function averagePrecisionAtK(
  labels: tf.Tensor | SparseLabels,
  predictions: tf.Tensor,
  k: number,
  options: MetricOptions = {},
): MetricOp {
  const api = 'metrics.averagePrecisionAtK()';
  checkTensor(api, 'predictions', predictions);
  if (predictions.rank < 2) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: predictions must be scores of shape [batch, numClasses] (or [D1, …, DN, numClasses]). Received shape [${predictions.shape}].`,
    );
  }
  const numClasses = predictions.shape[predictions.rank - 1]!;
  if (!Number.isInteger(k) || k < 1 || k > numClasses) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: k must be an integer in [1, ${numClasses}] (the number of classes). Received ${String(k)}.`,
    );
  }
  const lead = predictions.shape.slice(0, -1);
  const sparse = !isTensor(labels);
  const update = tf.tidy(() => {
    const rows = lead.reduce((a, b) => a * b, 1);
    const { ids: raw, mask } = labelSets(api, labels, lead);
    // TF's _clean_out_of_range_indices: ids >= numClasses become -1.
    const ids = tf.where(tf.greaterEqual(raw, numClasses), tf.fill(raw.shape, -1, 'int32'), raw) as tf.Tensor2D;
    const top = tf.topk(tf.reshape(tf.cast(predictions, 'float32'), [rows, numClasses]) as tf.Tensor2D, k).indices;
    const hit = tf.logicalAnd(
      tf.equal(tf.expandDims(top, 2), tf.expandDims(ids, 1)),
      tf.cast(tf.expandDims(mask, 1), 'bool'),
    );
    const relevant = tf.cast(tf.any(hit, 2), 'float32');
    const precisionAt = tf.div(tf.cumsum(relevant, 1), tf.range(1, k + 1));
    const precisionSum = tf.sum(tf.mul(precisionAt, relevant), 1);
    const numLabels = sparse
      ? tf.sum(distinctMask(ids, mask), 1)
      : tf.sum(tf.mul(mask, tf.cast(tf.greaterEqual(ids, 0), 'float32')), 1);
    const averagePrecision = tf.div(precisionSum, tf.minimum(numLabels, k));
    const w = flatWeights(api, options.weights, tf.zeros(lead));
    return { total: tf.sum(tf.mul(w, averagePrecision)), max: tf.sum(w) };
  });
  return metricOp(update, (t) => divNoNan(total(t, 'total'), total(t, 'max')));
}
