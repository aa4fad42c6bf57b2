import { type EstimatorSpec, metrics, PredictOutput, RegressionOutput } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import {
  checkLossReduction,
  exampleWeights,
  type Head,
  type HeadArgs,
  type HeadOptions,
  reduceLoss,
  trainOpFor,
} from './head.js';

/** Options of {@link regressionHead}. */
export interface RegressionHeadOptions extends HeadOptions {
  /** Values per example (default 1). */
  readonly labelDimension?: number;
}

/**
 * TF's regression head (`_RegressionHeadWithMeanSquaredErrorLoss`): squared error, prediction key `predictions`,
 * eval metrics `average_loss`, `label/mean`, `prediction/mean` (plus the Estimator's `loss`).
 * @example
 *   const head = regressionHead({ labelDimension: 1 });
 */
export function regressionHead(options: RegressionHeadOptions = {}): Head {
  const api = 'regressionHead';
  checkOptionKeys(api, options, KNOWN_OPTIONS.regressionHead);
  const dim = options.labelDimension ?? 1;
  if (!Number.isInteger(dim) || dim < 1) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: labelDimension must be an integer >= 1. Received ${String(dim)}.`,
    );
  }
  const reduction = checkLossReduction(api, options.lossReduction);
  return {
    logitsDimension: dim,
    createSpec(args: HeadArgs): EstimatorSpec {
      const { features, mode, logits, labels } = args;
      const batch = logits.shape[0];
      if (mode === 'infer') {
        return {
          mode,
          predictions: { predictions: logits },
          exportOutputs: {
            serving_default: new RegressionOutput(logits),
            predict: new PredictOutput({ predictions: logits }),
          },
        };
      }
      const l = labels as tf.Tensor | undefined;
      if (!(typeof l === 'object' && l !== null && 'dataId' in l) || l.size !== batch * dim || l.dtype === 'string') {
        throw new CannedError(
          'LABEL_SHAPE',
          `${api}: labels must be one numeric tensor of ${dim} value(s) per example ([${batch}${dim === 1 ? '' : `, ${dim}`}]). Received ${describe(labels)}.`,
        );
      }
      const y = tf.reshape(tf.cast(l, 'float32'), [batch, dim]) as tf.Tensor2D;
      const weights = exampleWeights(api, features, options.weightColumn, batch);
      const unreduced = tf.squaredDifference(logits, y) as tf.Tensor2D;
      const loss = reduceLoss(unreduced, weights, reduction);
      if (mode === 'train') return { mode, loss, trainOp: trainOpFor(api, args, loss) };
      const w = weights ? { weights } : {};
      return {
        mode,
        loss,
        evalMetricOps: {
          average_loss: metrics.mean(unreduced, w),
          'label/mean': metrics.mean(y, w),
          'prediction/mean': metrics.mean(logits, w),
        },
      };
    },
  };
}
