import * as tf from '@tensorflow/tfjs-core';
import { maybeActiveContext } from '../model-fn-context.js';
import {
  checkClassIds,
  checkNumClasses,
  flatPair,
  flatWeights,
  type MetricOp,
  type MetricOptions,
  metricOp,
} from './metric-op.js';

/**
 * The mean intersection-over-union of `numClasses` classes over the whole evaluation (TF's `tf.metrics.mean_iou`):
 * a weighted confusion matrix is streamed, then `IoU_c = cm[c,c] / (row_c + col_c - cm[c,c])` is averaged over
 * the classes that occur in labels or predictions. Labels and predictions are class ids in `[0, numClasses)`.
 * @example
 *   evalMetricOps: { mean_iou: metrics.meanIou(labels, tf.argMax(logits, -1), 21) }
 */
export function meanIou(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  numClasses: number,
  options: MetricOptions = {},
): MetricOp {
  const api = 'metrics.meanIou()';
  checkNumClasses(api, numClasses);
  const update = tf.tidy(() => {
    const [l, p] = flatPair(api, labels, predictions);
    const w = flatWeights(api, options.weights, l);
    if (maybeActiveContext()?.checkValues ?? true) {
      checkClassIds(api, 'labels', l, numClasses);
      checkClassIds(api, 'predictions', p, numClasses);
    }
    const inRange = (x: tf.Tensor) => tf.logicalAnd(tf.greaterEqual(x, 0), tf.less(x, numClasses));
    const valid = tf.logicalAnd(inRange(l), inRange(p));
    const cell = tf.where(valid, tf.cast(tf.add(tf.mul(l, numClasses), p), 'int32'), tf.zeros(l.shape, 'int32'));
    const wValid = tf.mul(w, tf.cast(valid, 'float32'));
    return { confusion: tf.bincount(cell as tf.Tensor1D, wValid as tf.Tensor1D, numClasses * numClasses) };
  });
  return metricOp(update, (t) => meanIouOf(t.confusion, numClasses));
}

/** Mean IoU of a flattened `[numClasses, numClasses]` confusion matrix (rows: labels, columns: predictions). */
export function meanIouOf(cm: Float32Array | undefined, numClasses: number): number {
  if (!cm) return 0;
  let sum = 0;
  let valid = 0;
  for (let c = 0; c < numClasses; c++) {
    let row = 0;
    let col = 0;
    for (let k = 0; k < numClasses; k++) {
      row += cm[c * numClasses + k]!;
      col += cm[k * numClasses + c]!;
    }
    const inter = cm[c * numClasses + c]!;
    const union = row + col - inter;
    if (union > 0) {
      sum += inter / union;
      valid += 1;
    }
  }
  return valid === 0 ? 0 : sum / valid;
}
