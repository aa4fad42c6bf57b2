import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { mean } from './mean.js';
import { checkTensor, type MetricOp, type MetricOptions } from './metric-op.js';

/**
 * The (weighted) mean of `|labels - predictions| / normalizer` over the whole evaluation (TF's
 * `tf.metrics.mean_relative_error`); an element whose normalizer is 0 counts as 0, as in TF.
 * @example
 *   evalMetricOps: { relative_error: metrics.meanRelativeError(labels, predictions, labels) }
 */
export function meanRelativeError(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  normalizer: tf.Tensor,
  options: MetricOptions = {},
): MetricOp {
  const api = 'metrics.meanRelativeError()';
  for (const [name, t] of [
    ['labels', labels],
    ['predictions', predictions],
    ['normalizer', normalizer],
  ] as const)
    checkTensor(api, name, t);
  if (labels.size !== predictions.size || normalizer.size !== predictions.size) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: labels [${labels.shape}], predictions [${predictions.shape}] and normalizer [${normalizer.shape}] must have the same number of elements.`,
    );
  }
  const relative = tf.tidy(() => {
    const l = tf.reshape(tf.cast(labels, 'float32'), predictions.shape);
    const p = tf.cast(predictions, 'float32');
    const n = tf.reshape(tf.cast(normalizer, 'float32'), predictions.shape);
    const zero = tf.equal(n, 0);
    return tf.where(zero, tf.zerosLike(p), tf.div(tf.abs(tf.sub(l, p)), tf.where(zero, tf.onesLike(n), n)));
  });
  try {
    return mean(relative, options);
  } finally {
    relative.dispose();
  }
}
