import type { Hook } from '@estimatorjs/hooks';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from './errors.js';
import type { ExportOutput } from './export/export-outputs.js';
import type { MetricOp } from './metrics/index.js';
import { isTrainOp } from './optimizers/train-op.js';
import type { TrainOp } from './optimizers.js';

/** Predictions: one tensor, or a dict of tensors whose first axis is the batch. */
export type Predictions = tf.Tensor | Readonly<Record<string, tf.Tensor>>;

interface SpecBase {
  /**
   * Serving signatures for exports (TF's `export_outputs`): signature key → `ClassificationOutput`,
   * `RegressionOutput` or `PredictOutput` (a plain tensor or dict is read as a `PredictOutput`).
   */
  readonly exportOutputs?: Readonly<Record<string, ExportOutput | Predictions>>;
}

/**
 * TRAIN: a scalar `loss` (what the Estimator reports) and a `trainOp` (from `optimizer.minimize(…)`,
 * `applyGradients(…)` or `group(…)`), which may minimize another tensor, e.g. `loss` plus regularization.
 */
export interface TrainEstimatorSpec extends SpecBase {
  readonly mode: 'train';
  readonly loss: tf.Scalar;
  readonly trainOp: TrainOp;
  readonly predictions?: Predictions;
  readonly trainingHooks?: readonly Hook[];
}

/** EVAL: a scalar `loss` and optional streaming metrics. */
export interface EvalEstimatorSpec extends SpecBase {
  readonly mode: 'eval';
  readonly loss: tf.Scalar;
  readonly evalMetricOps?: Readonly<Record<string, MetricOp>>;
  readonly predictions?: Predictions;
  readonly evaluationHooks?: readonly Hook[];
}

/** PREDICT (`'infer'`): the `predictions` to yield per example; `Pred` types what `estimator.predict()` yields. */
export interface PredictEstimatorSpec<Pred extends Predictions = Predictions> extends SpecBase {
  readonly mode: 'infer';
  readonly predictions: Pred;
  readonly predictionHooks?: readonly Hook[];
}

/**
 * What a model_fn returns (TF's `tf.estimator.EstimatorSpec`), a union on `mode` with TF's field names; `Pred` is
 * the type of the PREDICT spec's `predictions`.
 * @example
 *   const spec: EstimatorSpec = { mode: ModeKeys.PREDICT, predictions: { classes, probabilities } };
 */
export type EstimatorSpec<Pred extends Predictions = Predictions> =
  | TrainEstimatorSpec
  | EvalEstimatorSpec
  | PredictEstimatorSpec<Pred>;

function isTensor(x: unknown): x is tf.Tensor {
  return typeof x === 'object' && x !== null && 'dataId' in x && 'shape' in x && 'dtype' in x;
}

function checkPredictions(where: string, p: unknown): void {
  if (isTensor(p)) return;
  if (typeof p === 'object' && p !== null && Object.keys(p).length > 0 && Object.values(p).every(isTensor)) return;
  throw new ModelFnError(
    'INVALID_SPEC',
    `${where}: predictions must be a tensor or a non-empty object of tensors. Received ${describe(p)}.`,
  );
}

function checkLoss(where: string, loss: unknown): void {
  if (!isTensor(loss)) {
    throw new ModelFnError(
      'INVALID_SPEC',
      `${where}: the spec needs a scalar tensor \`loss\`. Received ${describe(loss)}.`,
    );
  }
  if (loss.rank !== 0) {
    throw new ModelFnError(
      'INVALID_SPEC',
      `${where}: loss must be a scalar (rank 0). Received ${describe(loss)}; reduce it with tf.mean().`,
    );
  }
}

/**
 * Checks a model_fn's return value against the mode it was called in (for plain-JS callers too).
 * @example
 *   const spec = validateSpec({ mode: 'infer', predictions: { classes } }, 'infer');
 */
export function validateSpec(spec: unknown, mode: 'train' | 'eval' | 'infer'): EstimatorSpec {
  const where = `model_fn in ${mode.toUpperCase()} mode`;
  if (typeof spec !== 'object' || spec === null) {
    throw new ModelFnError('INVALID_SPEC', `${where}: expected an EstimatorSpec object. Received ${describe(spec)}.`);
  }
  if (typeof (spec as { then?: unknown }).then === 'function') {
    throw new ModelFnError(
      'INVALID_SPEC',
      `${where}: returned a Promise. In TRAIN mode the model_fn must be synchronous so the whole forward pass is recorded for gradients.`,
    );
  }
  const s = spec as Record<string, unknown>;
  if (s.mode !== mode) {
    throw new ModelFnError(
      'INVALID_SPEC',
      `${where}: spec.mode must be ${JSON.stringify(mode)} (the mode the model_fn received). Received ${describe(s.mode)}.`,
    );
  }
  if (mode === 'train') {
    checkLoss(where, s.loss);
    // As in TF, loss and trainOp are independent: the train op may minimize loss + regularization (or several losses,
    // grouped) while `loss` is what the spec reports.
    if (!isTrainOp(s.trainOp)) {
      throw new ModelFnError(
        'INVALID_SPEC',
        `${where}: the spec needs \`trainOp\` from optimizer.minimize(loss), optimizer.applyGradients(gradsAndVars) or group(...), e.g. new AdamOptimizer({ learningRate }).minimize(loss). Received ${describe(s.trainOp)}.`,
      );
    }
  } else if (mode === 'eval') {
    checkLoss(where, s.loss);
    for (const [k, m] of Object.entries((s.evalMetricOps as Record<string, unknown>) ?? {})) {
      if ((m as MetricOp)?.kind !== 'metric') {
        throw new ModelFnError(
          'INVALID_SPEC',
          `${where}: evalMetricOps.${k} must come from metrics.* (e.g. metrics.accuracy(labels, classes)). Received ${describe(m)}.`,
        );
      }
    }
  } else {
    if (s.predictions === undefined) {
      throw new ModelFnError(
        'INVALID_SPEC',
        `${where}: the spec needs \`predictions\` (a tensor or an object of tensors).`,
      );
    }
  }
  if (s.predictions !== undefined) checkPredictions(where, s.predictions);
  return spec as EstimatorSpec;
}
