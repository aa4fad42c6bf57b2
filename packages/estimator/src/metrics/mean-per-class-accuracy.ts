import * as tf from '@tensorflow/tfjs-core';
import { maybeActiveContext } from '../model-fn-context.js';
import {
  checkClassIds,
  checkNumClasses,
  f32,
  flatPair,
  flatWeights,
  type MetricOp,
  type MetricOptions,
  metricOp,
} from './metric-op.js';

/**
 * The mean over all `numClasses` classes of each class's (weighted) accuracy, over the whole evaluation (TF's
 * `tf.metrics.mean_per_class_accuracy`): per class, the weight of its examples predicted right over the weight of
 * its examples; a class without examples counts as 0, as in TF. Labels are class ids in `[0, numClasses)`;
 * predictions are class ids (e.g. `tf.argMax(logits, -1)`).
 * @example
 *   evalMetricOps: { mean_per_class_accuracy: metrics.meanPerClassAccuracy(labels, tf.argMax(logits, -1), 10) }
 */
export function meanPerClassAccuracy(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  numClasses: number,
  options: MetricOptions = {},
): MetricOp {
  const api = 'metrics.meanPerClassAccuracy()';
  checkNumClasses(api, numClasses);
  const update = tf.tidy(() => {
    const [l, p] = flatPair(api, labels, predictions);
    const w = flatWeights(api, options.weights, labels);
    if (maybeActiveContext()?.checkValues ?? true) checkClassIds(api, 'labels', l, numClasses);
    const valid = tf.logicalAnd(tf.greaterEqual(l, 0), tf.less(l, numClasses));
    const ids = tf.where(valid, tf.cast(l, 'int32'), tf.zeros(l.shape, 'int32')) as tf.Tensor1D;
    const wValid = tf.mul(w, tf.cast(valid, 'float32'));
    const correct = tf.mul(wValid, tf.cast(tf.equal(l, p), 'float32'));
    return {
      total: tf.bincount(ids, wValid as tf.Tensor1D, numClasses),
      count: tf.bincount(ids, correct as tf.Tensor1D, numClasses),
    };
  });
  return metricOp(update, (t) => {
    let sum = 0;
    for (let c = 0; c < numClasses; c++) {
      const n = t.total?.[c] ?? 0;
      sum = f32(sum + (n > 0 ? f32((t.count?.[c] ?? 0) / n) : 0));
    }
    return f32(sum / numClasses);
  });
}
