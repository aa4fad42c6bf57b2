import * as tf from '@tensorflow/tfjs-core';
import { type ConfusionKey, checkThresholds, countsAtThresholds } from './confusion-at-thresholds.js';
import { elementOps, type MetricOp, type MetricOptions, metricOp, total } from './metric-op.js';
import { binaryCounts } from './precision.js';

/** One streamed count of boolean labels and predictions (TF's `true_positives` & co.). */
function countOf(key: ConfusionKey, api: string, labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions) {
  const counts = binaryCounts(api, labels, predictions, options.weights);
  const kept = counts[key];
  tf.dispose(Object.values(counts).filter((t) => t !== kept));
  return metricOp({ [key]: kept }, (t) => total(t, key));
}

/** One op per threshold streaming one of TF's counts at thresholds (TF's `*_at_thresholds` count metrics). */
function countsAt(
  key: ConfusionKey,
  api: string,
  labels: tf.Tensor,
  predictions: tf.Tensor,
  thresholds: readonly number[],
  options: MetricOptions,
): MetricOp[] {
  checkThresholds(api, thresholds);
  const update = countsAtThresholds(api, labels, predictions, thresholds, options.weights, [key]);
  return elementOps(update, thresholds.length, (t) => t[key]!);
}

/**
 * The weighted number of true positives over the whole evaluation (TF's `tf.metrics.true_positives`): labels and
 * predictions are booleans (non-zero is true); `weights` broadcast to the labels (e.g. `[batch]` per row).
 * @example
 *   evalMetricOps: { tp: metrics.truePositives(labels, tf.greater(probabilities, 0.5)) }
 */
export function truePositives(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  return countOf('tp', 'metrics.truePositives()', labels, predictions, options);
}

/**
 * The weighted number of false positives over the whole evaluation (TF's `tf.metrics.false_positives`).
 * @example
 *   evalMetricOps: { fp: metrics.falsePositives(labels, tf.greater(probabilities, 0.5)) }
 */
export function falsePositives(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  return countOf('fp', 'metrics.falsePositives()', labels, predictions, options);
}

/**
 * The weighted number of true negatives over the whole evaluation (TF's `tf.metrics.true_negatives`).
 * @example
 *   evalMetricOps: { tn: metrics.trueNegatives(labels, tf.greater(probabilities, 0.5)) }
 */
export function trueNegatives(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  return countOf('tn', 'metrics.trueNegatives()', labels, predictions, options);
}

/**
 * The weighted number of false negatives over the whole evaluation (TF's `tf.metrics.false_negatives`).
 * @example
 *   evalMetricOps: { fn: metrics.falseNegatives(labels, tf.greater(probabilities, 0.5)) }
 */
export function falseNegatives(labels: tf.Tensor, predictions: tf.Tensor, options: MetricOptions = {}): MetricOp {
  return countOf('fn', 'metrics.falseNegatives()', labels, predictions, options);
}

/**
 * True positives at each threshold (TF's `tf.metrics.true_positives_at_thresholds`): op `i` counts the weight of
 * positive labels whose prediction is `> thresholds[i]`. TF returns one `[thresholds.length]` tensor; the
 * Estimator reports scalars, so this returns one op per threshold, in order (element `i` of TF's tensor).
 * Predictions are probabilities in [0, 1].
 * @example
 *   const [tp25, tp50] = metrics.truePositivesAtThresholds(labels, probabilities, [0.25, 0.5]);
 *   evalMetricOps: { tp25, tp50 }
 */
export function truePositivesAtThresholds(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  thresholds: readonly number[],
  options: MetricOptions = {},
): MetricOp[] {
  return countsAt('tp', 'metrics.truePositivesAtThresholds()', labels, predictions, thresholds, options);
}

/**
 * False positives at each threshold (TF's `tf.metrics.false_positives_at_thresholds`), one op per threshold.
 * @example
 *   const [fp25, fp50] = metrics.falsePositivesAtThresholds(labels, probabilities, [0.25, 0.5]);
 */
export function falsePositivesAtThresholds(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  thresholds: readonly number[],
  options: MetricOptions = {},
): MetricOp[] {
  return countsAt('fp', 'metrics.falsePositivesAtThresholds()', labels, predictions, thresholds, options);
}

/**
 * True negatives at each threshold (TF's `tf.metrics.true_negatives_at_thresholds`), one op per threshold.
 * @example
 *   const [tn25, tn50] = metrics.trueNegativesAtThresholds(labels, probabilities, [0.25, 0.5]);
 */
export function trueNegativesAtThresholds(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  thresholds: readonly number[],
  options: MetricOptions = {},
): MetricOp[] {
  return countsAt('tn', 'metrics.trueNegativesAtThresholds()', labels, predictions, thresholds, options);
}

/**
 * False negatives at each threshold (TF's `tf.metrics.false_negatives_at_thresholds`), one op per threshold.
 * @example
 *   const [fn25, fn50] = metrics.falseNegativesAtThresholds(labels, probabilities, [0.25, 0.5]);
 */
export function falseNegativesAtThresholds(
  labels: tf.Tensor,
  predictions: tf.Tensor,
  thresholds: readonly number[],
  options: MetricOptions = {},
): MetricOp[] {
  return countsAt('fn', 'metrics.falseNegativesAtThresholds()', labels, predictions, thresholds, options);
}
