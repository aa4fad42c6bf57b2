import {
  addLoss,
  addRegularizationLoss,
  getLosses,
  getRegularizationLoss,
  getRegularizationLosses,
  getTotalLoss,
} from './collections.js';
import { computeWeightedLoss } from './reduction.js';
import {
  absoluteDifference,
  cosineDistance,
  hingeLoss,
  huberLoss,
  logLoss,
  meanPairwiseSquaredError,
  meanSquaredError,
} from './regression-losses.js';
import { sigmoidCrossEntropy, softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';

export { type LossOptions, type LossWeights, Reduction, type ReductionKey } from './reduction.js';
export type { RegressionLossOptions } from './regression-losses.js';
export type { SigmoidCrossEntropyOptions, SoftmaxCrossEntropyOptions } from './softmax-cross-entropy.js';
export type { SparseSoftmaxCrossEntropyOptions } from './sparse-softmax-cross-entropy.js';

/**
 * Loss functions and the losses collections with TF 1.x's names and semantics (`tf.losses.*`). Every loss takes
 * `weights` and `reduction` (default `Reduction.SUM_BY_NONZERO_WEIGHTS`) and, inside a model_fn, adds its result to
 * the call's losses collection.
 * @example
 *   const loss = losses.softmaxCrossEntropy({ onehotLabels, logits, weights, reduction: Reduction.MEAN });
 */
export const losses = {
  absoluteDifference,
  addLoss,
  addRegularizationLoss,
  computeWeightedLoss,
  cosineDistance,
  getLosses,
  getRegularizationLoss,
  getRegularizationLosses,
  getTotalLoss,
  hingeLoss,
  huberLoss,
  logLoss,
  meanPairwiseSquaredError,
  meanSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
  sparseSoftmaxCrossEntropy,
} as const;
