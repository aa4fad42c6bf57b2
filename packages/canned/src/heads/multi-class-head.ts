import {
  ClassificationOutput,
  type EstimatorSpec,
  type MetricOp,
  metrics,
  PredictOutput,
} from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError } from '../errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import {
  checkLabelVocabulary,
  checkLossReduction,
  classIdLabels,
  classStrings,
  exampleWeights,
  type Head,
  type HeadArgs,
  type HeadOptions,
  reduceLoss,
  singleLabels,
  trainOpFor,
} from './head.js';

/** Options of {@link multiClassHead}. */
export interface MultiClassHeadOptions extends HeadOptions {
  /** The label strings, class id order (TF's `label_vocabulary`). */
  readonly labelVocabulary?: readonly string[];
}

/**
 * TF's multi-class head (`_MultiClassHeadWithSoftmaxCrossEntropyLoss`): `nClasses` logits, sparse softmax
 * cross-entropy, predictions `logits`, `probabilities`, `class_ids`, `classes`, eval metrics `accuracy` and
 * `average_loss` (plus the Estimator's `loss`).
 * @example
 *   const head = multiClassHead(3, { labelVocabulary: ['setosa', 'versicolor', 'virginica'] });
 */
export function multiClassHead(nClasses: number, options: MultiClassHeadOptions = {}): Head {
  const api = 'multiClassHead';
  checkOptionKeys(api, options, KNOWN_OPTIONS.multiClassHead);
  if (!Number.isInteger(nClasses) || nClasses < 3) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: nClasses must be an integer >= 3 (use binaryClassificationHead for 2). Received ${String(nClasses)}.`,
    );
  }
  const reduction = checkLossReduction(api, options.lossReduction);
  const vocabulary = checkLabelVocabulary(api, options.labelVocabulary, nClasses);
  return {
    logitsDimension: nClasses,
    createSpec(args: HeadArgs): EstimatorSpec {
      const { features, mode, logits, labels } = args;
      const batch = logits.shape[0];
      const probabilities = tf.softmax(logits);
      const classIds = tf.reshape(tf.argMax(logits, 1), [batch, 1]) as tf.Tensor2D;
      if (mode === 'infer') {
        return {
          mode,
          predictions: { logits, probabilities, class_ids: classIds, classes: classStrings(classIds, vocabulary) },
          exportOutputs: {
            serving_default: new ClassificationOutput({ scores: probabilities }),
            predict: new PredictOutput({ logits, probabilities, class_ids: classIds }),
          },
        };
      }
      const ids = classIdLabels(api, singleLabels(api, labels, batch), nClasses, vocabulary);
      const weights = exampleWeights(api, features, options.weightColumn, batch);
      const oneHot = tf.oneHot(tf.reshape(ids, [batch]) as tf.Tensor1D, nClasses);
      const unreduced = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1, true)) as tf.Tensor2D;
      const loss = reduceLoss(unreduced, weights, reduction);
      if (mode === 'train') return { mode, loss, trainOp: trainOpFor(api, args, loss) };
      const w = weights ? { weights } : {};
      const evalMetricOps: Record<string, MetricOp> = {
        accuracy: metrics.accuracy(ids, classIds, w),
        average_loss: metrics.mean(unreduced, w),
      };
      return { mode, loss, evalMetricOps };
    },
  };
}
