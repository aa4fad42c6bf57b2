/**
 * What every premade estimator shares: the Estimator options it passes through, the head chosen from `nClasses`,
 * and the model_fn that runs a network's logits through a head. Owns: option checking and the head choice.
 * Does not own: the networks (dnn-network.ts, linear via featureColumn.linearModel).
 */
import type {
  EstimatorOptions,
  Features,
  Mode,
  ModelFn,
  Optimizer,
  RunConfig,
  TrainOp,
  WarmStartFrom,
} from '@estimatorjs/estimator';
import type * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { binaryClassificationHead } from '../heads/binary-head.js';
import type { Head, LossReduction } from '../heads/head.js';
import { multiClassHead } from '../heads/multi-class-head.js';
import { regressionHead } from '../heads/regression-head.js';

/** Options every premade estimator takes (TF's names, camelCase). */
export interface CommonOptions {
  readonly config?: RunConfig;
  readonly warmStartFrom?: WarmStartFrom;
  /** Feature holding each example's weight (TF's `weight_column`). */
  readonly weightColumn?: string;
  /** Default `'sum'` (TF 1.x). */
  readonly lossReduction?: LossReduction;
  /** Where the Estimator's log lines go; default `console.log`. */
  readonly log?: (line: string) => void;
}

/** Options of the classifiers. */
export interface ClassifierOptions extends CommonOptions {
  /** Number of classes (default 2). */
  readonly nClasses?: number;
  /** The label strings, class id order; labels are then strings (TF's `label_vocabulary`). */
  readonly labelVocabulary?: readonly string[];
}

/** Options of the regressors. */
export interface RegressorOptions extends CommonOptions {
  /** Values per example (default 1). */
  readonly labelDimension?: number;
}

/** TF's head for a classifier: binary for 2 classes, multi-class above. */
export function classifierHead(api: string, o: ClassifierOptions): Head {
  const n = o.nClasses ?? 2;
  if (!Number.isInteger(n) || n < 2) {
    throw new CannedError('INVALID_ARGUMENT', `${api}: nClasses must be an integer >= 2. Received ${describe(n)}.`);
  }
  const headOptions = {
    weightColumn: o.weightColumn,
    lossReduction: o.lossReduction,
    labelVocabulary: o.labelVocabulary,
  };
  return n === 2 ? binaryClassificationHead(headOptions) : multiClassHead(n, headOptions);
}

/** TF's head for a regressor. */
export function regressorHead(o: RegressorOptions): Head {
  return regressionHead({
    weightColumn: o.weightColumn,
    lossReduction: o.lossReduction,
    labelDimension: o.labelDimension,
  });
}

/**
 * A model_fn: `logitsFn` builds `[batch, head.logitsDimension]` logits, the head does the rest. `train` is the
 * optimizer that minimizes the loss, or a function building the train op from it (TF's `train_op_fn`).
 */
export function headModelFn(
  head: Head,
  train: Optimizer | ((loss: tf.Scalar) => TrainOp),
  logitsFn: (features: Features, mode: Mode, units: number) => tf.Tensor2D,
): ModelFn {
  const how = typeof train === 'function' ? { trainOpFn: train } : { optimizer: train };
  return (features, labels, mode) => {
    const logits = logitsFn(features, mode, head.logitsDimension);
    return head.createSpec({ features, mode, logits, labels, ...how });
  };
}

/** The Estimator options a premade estimator passes through: its model_fn plus the caller's config, warm start, log. */
export function estimatorOptions(modelFn: ModelFn, o: CommonOptions): EstimatorOptions<unknown> {
  return { modelFn, config: o.config, warmStartFrom: o.warmStartFrom, log: o.log };
}
