import { accuracy } from './accuracy.js';
import { auc } from './auc.js';
import { averagePrecisionAtK } from './average-precision-at-k.js';
import {
  falseNegatives,
  falseNegativesAtThresholds,
  falsePositives,
  falsePositivesAtThresholds,
  trueNegatives,
  trueNegativesAtThresholds,
  truePositives,
  truePositivesAtThresholds,
} from './confusion-counts.js';
import { mean } from './mean.js';
import { meanAbsoluteError } from './mean-absolute-error.js';
import { meanCosineDistance } from './mean-cosine-distance.js';
import { meanIou } from './mean-iou.js';
import { meanPerClassAccuracy } from './mean-per-class-accuracy.js';
import { meanRelativeError } from './mean-relative-error.js';
import { meanSquaredError, rootMeanSquaredError } from './mean-squared-error.js';
import { meanTensor } from './mean-tensor.js';
import { percentageBelow } from './percentage-below.js';
import { precision } from './precision.js';
import { precisionAtK, precisionAtTopK } from './precision-at-k.js';
import { precisionAtThresholds, recallAtThresholds } from './precision-recall-at-thresholds.js';
import { recall } from './recall.js';
import { recallAtK, recallAtTopK } from './recall-at-k.js';
import { sensitivityAtSpecificity, specificityAtSensitivity } from './sensitivity-specificity.js';

export type { AucOptions, AucSummationMethod } from './auc.js';
export type { MetricOp, MetricOptions } from './metric-op.js';
export type { AtRateOptions } from './sensitivity-specificity.js';
export type { AtKOptions, AtTopKOptions, SparseLabels } from './top-k-counts.js';

/**
 * Streaming metrics with TF's `tf.metrics` names (camelCase). Each returns a {@link MetricOp} for
 * `EstimatorSpec.evalMetricOps`; the Estimator sums the per-batch updates over the whole evaluation. TF's
 * vector-valued metrics (`*AtThresholds`, `meanTensor`) return one op per element, in order.
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
  averagePrecisionAtK,
  falseNegatives,
  falseNegativesAtThresholds,
  falsePositives,
  falsePositivesAtThresholds,
  mean,
  meanAbsoluteError,
  meanCosineDistance,
  meanIou,
  meanPerClassAccuracy,
  meanRelativeError,
  meanSquaredError,
  meanTensor,
  percentageBelow,
  precision,
  precisionAtK,
  precisionAtTopK,
  precisionAtThresholds,
  recall,
  recallAtK,
  recallAtTopK,
  recallAtThresholds,
  rootMeanSquaredError,
  sensitivityAtSpecificity,
  specificityAtSensitivity,
  trueNegatives,
  trueNegativesAtThresholds,
  truePositives,
  truePositivesAtThresholds,
} as const;
