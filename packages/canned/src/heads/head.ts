/**
 * What a premade estimator's model_fn hands its head, and the parts heads share: per-example weights from
 * `weightColumn`, TF's loss reductions, and classification labels (ids checked against `nClasses`, or strings
 * looked up in `labelVocabulary`). Owns: label and weight handling. Does not own: the network (the estimators do).
 */
import type { EstimatorSpec, Features, Labels, MetricOp, Mode, Optimizer, TrainOp } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { getFeature } from '../feature-column/feature-column.js';

/**
 * How the per-example losses become the training loss (TF's `tf.losses.Reduction`). TF 1.x's premade estimators
 * default to `'sum'` (the sum over the batch); `'sum_over_batch_size'` divides by the number of elements, `'mean'`
 * by the sum of the weights.
 */
export type LossReduction = 'sum' | 'sum_over_batch_size' | 'mean';

/** Options every head takes. */
export interface HeadOptions {
  /** Feature holding each example's weight for the loss and the metrics (TF's `weight_column`). */
  readonly weightColumn?: string;
  /** Default `'sum'` (TF 1.x). */
  readonly lossReduction?: LossReduction;
}

/** What a head needs to build the spec of one model_fn call. */
export interface HeadArgs {
  readonly features: Features;
  readonly mode: Mode;
  readonly logits: tf.Tensor2D;
  readonly labels: Labels | undefined;
  /** Minimizes the training loss (TRAIN mode), unless `trainOpFn` is given. */
  readonly optimizer?: Optimizer;
  /** Builds the train op from the training loss (TF's `train_op_fn`), e.g. two optimizers for two parts. */
  readonly trainOpFn?: (loss: tf.Scalar) => TrainOp;
}

/** The train op of a head's TRAIN spec: `trainOpFn(loss)`, else `optimizer.minimize(loss)`. */
export function trainOpFor(api: string, args: HeadArgs, loss: tf.Scalar): TrainOp {
  if (args.trainOpFn) return args.trainOpFn(loss);
  if (args.optimizer) return args.optimizer.minimize(loss);
  throw new CannedError('INVALID_ARGUMENT', `${api}: TRAIN mode needs an optimizer or a trainOpFn. Received neither.`);
}

/** TF's `Head`: turns logits into predictions, a loss and eval metrics. */
export interface Head {
  /** Width of the logits the network must produce. */
  readonly logitsDimension: number;
  createSpec(args: HeadArgs): EstimatorSpec;
}

/** Checks the loss reduction option. */
export function checkLossReduction(api: string, r: unknown): LossReduction {
  const value = r ?? 'sum';
  if (value !== 'sum' && value !== 'sum_over_batch_size' && value !== 'mean') {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: lossReduction must be 'sum', 'sum_over_batch_size' or 'mean'. Received ${describe(r)}.`,
    );
  }
  return value;
}

/** Per-example weights `[batch, 1]` from the weight column, or undefined (all ones). */
export function exampleWeights(api: string, features: Features, weightColumn: string | undefined, batch: number) {
  if (weightColumn === undefined) return undefined;
  const w = getFeature(api, features, weightColumn);
  if (w.size !== batch || w.dtype === 'string') {
    throw new CannedError(
      'WEIGHT_SHAPE',
      `${api}: weight column ${JSON.stringify(weightColumn)} must hold one number per example ([${batch}] or [${batch}, 1]). Received ${describe(w)}.`,
    );
  }
  return tf.reshape(tf.cast(w, 'float32'), [batch, 1]) as tf.Tensor2D;
}

/** The training loss from unreduced losses `[batch, d]` and weights `[batch, 1]`. */
export function reduceLoss(unreduced: tf.Tensor2D, weights: tf.Tensor2D | undefined, r: LossReduction): tf.Scalar {
  return tf.tidy(() => {
    const weighted = weights ? tf.mul(unreduced, weights) : unreduced;
    const sum = tf.sum(weighted);
    if (r === 'sum') return sum as tf.Scalar;
    if (r === 'sum_over_batch_size') return tf.div(sum, unreduced.size) as tf.Scalar;
    const wsum = weights ? tf.mul(tf.sum(weights), unreduced.shape[1]!) : tf.scalar(unreduced.size);
    return tf.divNoNan(sum, wsum) as tf.Scalar;
  });
}

/** The labels as one tensor, with a clear error for a dict or a missing one. */
export function singleLabels(api: string, labels: Labels | undefined, batch: number): tf.Tensor {
  if (labels === undefined) {
    throw new CannedError('MISSING_LABELS', `${api}: training and evaluation need labels; the input_fn yielded none.`);
  }
  const t = labels as tf.Tensor;
  if (!(typeof t === 'object' && 'dataId' in t) || t.size !== batch) {
    throw new CannedError(
      'LABEL_SHAPE',
      `${api}: labels must be one tensor of shape [${batch}] or [${batch}, 1] (one per example). Received ${describe(labels)}.`,
    );
  }
  return t;
}

/**
 * Class ids `[batch, 1]` int32 from labels: strings looked up in `labelVocabulary`, or integers in `[0, nClasses)`.
 * Reads the labels (one small read per batch) so a bad label fails with its value and position.
 */
export function classIdLabels(
  api: string,
  labels: tf.Tensor,
  nClasses: number,
  labelVocabulary: readonly string[] | undefined,
): tf.Tensor2D {
  const batch = labels.size;
  const values = labels.dataSync() as unknown as ArrayLike<string | number>;
  const ids = new Int32Array(batch);
  if (labelVocabulary) {
    if (labels.dtype !== 'string') {
      throw new CannedError(
        'LABEL_DTYPE',
        `${api}: with labelVocabulary the labels must be strings. Received a ${labels.dtype} tensor; drop labelVocabulary for integer class ids.`,
      );
    }
    for (let i = 0; i < batch; i++) {
      const id = labelVocabulary.indexOf(String(values[i]));
      if (id < 0) {
        throw new CannedError(
          'LABEL_NOT_IN_VOCABULARY',
          `${api}: label ${JSON.stringify(values[i])} at index ${i} of the batch is not in labelVocabulary [${labelVocabulary.map((v) => JSON.stringify(v)).join(', ')}].`,
        );
      }
      ids[i] = id;
    }
  } else {
    if (labels.dtype === 'string') {
      throw new CannedError(
        'LABEL_DTYPE',
        `${api}: labels are strings; pass labelVocabulary (the list of label strings) or give integer class ids.`,
      );
    }
    for (let i = 0; i < batch; i++) {
      const v = values[i] as number;
      if (!(Number.isInteger(v) && v >= 0 && v < nClasses)) {
        throw new CannedError(
          'LABEL_OUT_OF_RANGE',
          `${api}: labels must be integer class ids in [0, ${nClasses}) (nClasses ${nClasses}). Received label ${v} at index ${i} of the batch.`,
        );
      }
      ids[i] = v;
    }
  }
  return tf.tensor2d(ids, [batch, 1], 'int32');
}

/** The `classes` prediction: each class id as its vocabulary string or its decimal string (TF's `classes`). */
export function classStrings(classIds: tf.Tensor2D, labelVocabulary: readonly string[] | undefined): tf.Tensor2D {
  const ids = classIds.dataSync();
  const strings = Array.from(ids, (id) => labelVocabulary?.[id] ?? String(id));
  return tf.tensor2d(strings, classIds.shape as [number, number], 'string');
}

/** TF's `accuracy_baseline`: the accuracy of always predicting the majority class, `max(m, 1 - m)`. */
export function accuracyBaseline(labelMean: MetricOp): MetricOp {
  return {
    kind: 'metric',
    update: labelMean.update,
    result: (totals) => {
      const m = labelMean.result(totals);
      return Math.max(m, 1 - m);
    },
  };
}

/** Checks labelVocabulary against nClasses. */
export function checkLabelVocabulary(api: string, v: unknown, nClasses: number): readonly string[] | undefined {
  if (v === undefined) return undefined;
  if (
    !Array.isArray(v) ||
    v.length !== nClasses ||
    !v.every((s) => typeof s === 'string') ||
    new Set(v).size !== v.length
  ) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: labelVocabulary must list ${nClasses} distinct strings (nClasses). Received ${describe(v)}.`,
    );
  }
  return v;
}
