import {
  ClassificationOutput,
  type EstimatorSpec,
  type MetricOp,
  metrics,
  PredictOutput,
} from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import {
  accuracyBaseline,
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

/** Options of {@link binaryClassificationHead}. */
export interface BinaryHeadOptions extends HeadOptions {
  /** The two label strings, negative first (TF's `label_vocabulary`). */
  readonly labelVocabulary?: readonly string[];
}

/**
 * TF's binary head (`_BinaryLogisticHeadWithSigmoidCrossEntropyLoss`): one logit per example, sigmoid cross-entropy,
 * predictions `logits`, `logistic`, `probabilities`, `class_ids`, `classes`, and TF's eval metrics `accuracy`,
 * `accuracy_baseline`, `auc`, `auc_precision_recall`, `average_loss`, `label/mean`, `precision`, `prediction/mean`,
 * `recall` (plus the Estimator's `loss`).
 * @example
 *   const head = binaryClassificationHead({ labelVocabulary: ['no', 'yes'] });
 */
export function binaryClassificationHead(options: BinaryHeadOptions = {}): Head {
  const api = 'binaryClassificationHead';
  checkOptionKeys(api, options, KNOWN_OPTIONS.binaryHead);
  const reduction = checkLossReduction(api, options.lossReduction);
  const vocabulary = checkLabelVocabulary(api, options.labelVocabulary, 2);
  return {
    logitsDimension: 1,
    createSpec(args: HeadArgs): EstimatorSpec {
      const { features, mode, logits, labels } = args;
      const batch = logits.shape[0];
      const logistic = tf.sigmoid(logits);
      const twoClass = tf.concat([tf.zerosLike(logits), logits], 1);
      const probabilities = tf.softmax(twoClass);
      const classIds = tf.reshape(tf.argMax(twoClass, 1), [batch, 1]) as tf.Tensor2D;
      if (mode === 'infer') {
        const predictions = {
          logits,
          logistic,
          probabilities,
          class_ids: classIds,
          classes: classStrings(classIds, vocabulary),
        };
        const numeric = { logits, logistic, probabilities, class_ids: classIds };
        return {
          mode,
          predictions,
          exportOutputs: {
            serving_default: new ClassificationOutput({ scores: probabilities }),
            predict: new PredictOutput(numeric),
          },
        };
      }
      const ids = classIdLabels(api, singleLabels(api, labels, batch), 2, vocabulary);
      const y = tf.cast(ids, 'float32') as tf.Tensor2D;
      const weights = exampleWeights(api, features, options.weightColumn, batch);
      // Sigmoid cross-entropy, stable form: max(x, 0) - x·y + log(1 + exp(-|x|)).
      const unreduced = tf.add(
        tf.sub(tf.relu(logits), tf.mul(logits, y)),
        tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
      ) as tf.Tensor2D;
      const loss = reduceLoss(unreduced, weights, reduction);
      if (mode === 'train') return { mode, loss, trainOp: trainOpFor(api, args, loss) };
      const w = weights ? { weights } : {};
      const evalMetricOps: Record<string, MetricOp> = {
        accuracy: metrics.accuracy(ids, classIds, w),
        accuracy_baseline: accuracyBaseline(metrics.mean(y, w)),
        auc: metrics.auc(y, logistic, w),
        auc_precision_recall: metrics.auc(y, logistic, { ...w, curve: 'PR' }),
        average_loss: metrics.mean(unreduced, w),
        'label/mean': metrics.mean(y, w),
        precision: metrics.precision(ids, classIds, w),
        'prediction/mean': metrics.mean(logistic, w),
        recall: metrics.recall(ids, classIds, w),
      };
      return { mode, loss, evalMetricOps };
    },
  };
}
