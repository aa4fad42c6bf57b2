import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import {
  checkTensor,
  divNoNan,
  f32,
  flatWeights,
  type MetricOp,
  type MetricOptions,
  metricOp,
  total,
} from './metric-op.js';

/**
 * One minus the (weighted) mean dot product of labels and predictions along `dim`, over the whole evaluation
 * (TF's `tf.metrics.mean_cosine_distance`). As in TF, both are expected to be unit-normalized already (nothing
 * is normalized here), and `weights` apply to the reduced values, whose `dim` has size 1 (e.g. `[batch, 1]`).
 * @example
 *   evalMetricOps: { cosine: metrics.meanCosineDistance(unitLabels, tf.div(p, tf.norm(p, 2, 1, true)), 1) }
 */
export function meanCosineDistance(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  dim: number,
  options: MetricOptions = {},
): MetricOp {
  const api = 'metrics.meanCosineDistance()';
  checkTensor(api, 'labels', labels);
  checkTensor(api, 'predictions', predictions);
  if (labels.shape.join() !== predictions.shape.join()) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: labels [${labels.shape}] and predictions [${predictions.shape}] must have the same shape.`,
    );
  }
  if (!Number.isInteger(dim) || dim < -labels.rank || dim >= labels.rank) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: dim must be an axis of the labels (an integer in [${-labels.rank}, ${labels.rank})). Received ${String(dim)}.`,
    );
  }
  const update = tf.tidy(() => {
    const dots = tf.sum(tf.mul(tf.cast(labels, 'float32'), tf.cast(predictions, 'float32')), dim, true);
    const w = flatWeights(api, options.weights, dots);
    return { sum: tf.sum(tf.mul(w, tf.reshape(dots, [-1]))), count: tf.sum(w) };
  });
  return metricOp(update, (t) => f32(1 - f32(divNoNan(total(t, 'sum'), total(t, 'count')))));
}
