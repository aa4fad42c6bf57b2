import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from './errors.js';

/**
 * A streaming metric (TF's `(value_op, update_op)` pair, eagerly): each batch contributes `update`, tensors that
 * the Estimator sums over the whole evaluation; `result` turns the sums into the metric's value.
 */
export interface MetricOp {
  readonly kind: 'metric';
  readonly update: Readonly<Record<string, tf.Tensor>>;
  readonly result: (totals: Readonly<Record<string, Float32Array>>) => number;
}

function flatPair(api: string, labels: tf.Tensor, predictions: tf.Tensor): [tf.Tensor, tf.Tensor] {
  if (labels.size !== predictions.size) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: labels [${labels.shape}] and predictions [${predictions.shape}] must have the same number of elements.`,
    );
  }
  return [tf.reshape(labels, [-1]), tf.reshape(predictions, [-1])];
}

/**
 * The fraction of predictions equal to labels over the whole evaluation (TF's `tf.metrics.accuracy`).
 * @example
 *   evalMetricOps: { accuracy: metrics.accuracy(labels, classes) }
 */
function accuracy(labels: tf.Tensor, predictions: tf.Tensor): MetricOp {
  const update = tf.tidy(() => {
    const [l, p] = flatPair('metrics.accuracy()', labels, predictions);
    return {
      correct: tf.sum(tf.cast(tf.equal(tf.cast(l, 'float32'), tf.cast(p, 'float32')), 'float32')),
      count: tf.scalar(l.size),
    };
  });
  return {
    kind: 'metric',
    update,
    result: (t) => (t.count![0]! > 0 ? t.correct![0]! / t.count![0]! : 0),
  };
}

/**
 * The mean of `values` over the whole evaluation (TF's `tf.metrics.mean`).
 * @example
 *   evalMetricOps: { mean_confidence: metrics.mean(tf.max(probabilities, -1)) }
 */
function mean(values: tf.Tensor): MetricOp {
  const update = tf.tidy(() => ({ sum: tf.sum(tf.cast(values, 'float32')), count: tf.scalar(values.size) }));
  return {
    kind: 'metric',
    update,
    result: (t) => (t.count![0]! > 0 ? t.sum![0]! / t.count![0]! : 0),
  };
}

/** Streaming metrics with TF's names. */
export const metrics = { accuracy, mean } as const;
