import { accuracy } from './accuracy.js';
import { auc } from './auc.js';
import { mean } from './mean.js';
import { meanAbsoluteError } from './mean-absolute-error.js';
import { meanIou } from './mean-iou.js';
import { meanSquaredError, rootMeanSquaredError } from './mean-squared-error.js';
import { precision } from './precision.js';
import { recall } from './recall.js';
import { recallAtK } from './recall-at-k.js';

export type { AucOptions, AucSummationMethod } from './auc.js';
export type { MetricOp, MetricOptions } from './metric-op.js';

/**
 * Streaming metrics with TF's `tf.metrics` names (camelCase). Each returns a {@link MetricOp} for
 * `EstimatorSpec.evalMetricOps`; the Estimator sums the per-batch updates over the whole evaluation.
 * @example
 *   const evalMetricOps = {
 *     accuracy: metrics.accuracy(labels, classes),
 *     auc: metrics.auc(labels, probabilities),
 *     top5: metrics.recallAtK(labels, logits, 5),
 *   };
 */
export const metrics = {
  accuracy,
  auc,
  mean,
  meanAbsoluteError,
  meanIou,
  meanSquaredError,
  precision,
  recall,
  recallAtK,
  rootMeanSquaredError,
} as const;
