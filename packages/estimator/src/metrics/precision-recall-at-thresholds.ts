import type * as tf from '@tensorflow/tfjs-core';
import { checkThresholds, countsAtThresholds } from './confusion-at-thresholds.js';
import { elementOps, f32, type MetricOp, type MetricOptions } from './metric-op.js';

/** TF's `epsilon` in precision/recall at thresholds: `tp / (1e-7 + tp + other)`, in float32 as TF computes it. */
function ratio(tp: number, other: number): number {
  return f32(tp / f32(f32(f32(1e-7) + tp) + other));
}

/**
 * Precision at each threshold (TF's `tf.metrics.precision_at_thresholds`): op `i` is
 * `tp_i / (1e-7 + tp_i + fp_i)` where a prediction counts as positive when `> thresholds[i]`. TF returns one
 * `[thresholds.length]` tensor; the Estimator reports scalars, so this returns one op per threshold, in order.
 * Labels are booleans (non-zero is true); predictions are probabilities in [0, 1].
 * @example
 *   const [p50, p90] = metrics.precisionAtThresholds(labels, probabilities, [0.5, 0.9]);
 *   evalMetricOps: { precision_at_50: p50, precision_at_90: p90 }
 */
export function precisionAtThresholds(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  thresholds: readonly number[],
  options: MetricOptions = {},
): MetricOp[] {
  const api = 'metrics.precisionAtThresholds()';
  checkThresholds(api, thresholds);
  const update = countsAtThresholds(api, labels, predictions, thresholds, options.weights, ['tp', 'fp']);
  return elementOps(update, thresholds.length, (t) => ratio(t.tp!, t.fp!));
}

/**
 * Recall at each threshold (TF's `tf.metrics.recall_at_thresholds`): op `i` is `tp_i / (1e-7 + tp_i + fn_i)`,
 * one op per threshold, in order.
 * @example
 *   const [r50, r90] = metrics.recallAtThresholds(labels, probabilities, [0.5, 0.9]);
 */
export function recallAtThresholds(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  thresholds: readonly number[],
  options: MetricOptions = {},
): MetricOp[] {
  const api = 'metrics.recallAtThresholds()';
  checkThresholds(api, thresholds);
  const update = countsAtThresholds(api, labels, predictions, thresholds, options.weights, ['tp', 'fn']);
  return elementOps(update, thresholds.length, (t) => ratio(t.tp!, t.fn!));
}
