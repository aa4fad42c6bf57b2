import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';
import { engineState } from '../internal/engine-state.js';
import { maybeActiveContext } from '../model-fn-context.js';
import type { Optimizer } from '../optimizers.js';

/**
 * What a model_fn puts in `EstimatorSpec.trainOp`: descriptions of updates the Estimator runs after the model_fn
 * returns (TF's train ops). Owns: the three kinds and their composition. Does not own: running them
 * (internal/train-step.ts).
 */

/** A (gradient, variable) pair as TF's `compute_gradients` returns it; a null gradient means "not connected". */
export type GradAndVar = readonly [tf.Tensor | null, tf.Variable];

/** `optimizer.minimize(loss)`: the Estimator takes the gradients of `loss` and applies them. */
export interface MinimizeOp {
  readonly kind: 'minimize';
  readonly optimizer: Optimizer;
  readonly loss: tf.Scalar;
  /** The variables to train (default: every trainable variable). */
  readonly varList?: readonly tf.Variable[];
  /** Clip the gradients' global norm to this value before applying them. */
  readonly clipGradientsByNorm?: number;
}

/** `optimizer.applyGradients(gradsAndVars)`: applies gradients the model_fn computed (and may have edited). */
export interface ApplyGradientsOp {
  readonly kind: 'applyGradients';
  readonly optimizer: Optimizer;
  readonly gradsAndVars: readonly GradAndVar[];
}

/** `group(op1, op2, …)`: runs every op in order in one step (TF's `tf.group`), e.g. a GAN's two updates. */
export interface GroupOp {
  readonly kind: 'group';
  readonly ops: readonly TrainOp[];
}

/** A train op: what `minimize`, `applyGradients` and `group` return. */
export type TrainOp = MinimizeOp | ApplyGradientsOp | GroupOp;

/**
 * Groups train ops so one step runs them all, in order (TF's `tf.group`). Each optimizer in the group keeps its own
 * slots; the Estimator still advances the global step once per step.
 * @example
 *   const trainOp = group(dOptimizer.minimize(dLoss, { varList: dVars }), gOptimizer.minimize(gLoss, { varList: gVars }));
 */
export function group(...ops: TrainOp[]): GroupOp {
  for (const [i, op] of ops.entries()) {
    if (!isTrainOp(op)) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `group(): argument ${i} must be a train op (from minimize(), applyGradients() or group()). Received ${describe(op)}.`,
      );
    }
  }
  if (ops.length === 0)
    throw new ModelFnError('INVALID_ARGUMENT', 'group(): pass at least one train op. Received none.');
  return { kind: 'group', ops };
}

/** True for the three kinds of train op. */
export function isTrainOp(x: unknown): x is TrainOp {
  const k = (x as { kind?: unknown } | null)?.kind;
  return k === 'minimize' || k === 'applyGradients' || k === 'group';
}

/** The minimize/applyGradients ops of `op` in the order they run. */
export function leafOps(op: TrainOp): (MinimizeOp | ApplyGradientsOp)[] {
  return op.kind === 'group' ? op.ops.flatMap(leafOps) : [op];
}

/**
 * The optimizers of `op`, one per leaf op in order: the i-th keeps its slots in checkpoint section i
 * (`optimizer/…`, then `optimizer_1/…`, …), so the same model_fn always maps the same optimizer to the same slots.
 */
export function optimizersOf(op: TrainOp): Optimizer[] {
  return leafOps(op).map((o) => o.optimizer);
}

/** Engine state the gradient helpers read: whether a gradient tape records (the Estimator's TRAIN step). */
function tapeActive(): boolean {
  return engineState().gradientDepth > 0;
}

/**
 * The gradients of `loss` with respect to `varList` (default: every trainable variable), taken from the TRAIN step's
 * gradient tape (TF's `optimizer.compute_gradients`). While the Estimator builds the model before the first step
 * (no tape yet) the gradients are zeros; they are never applied then.
 */
export function computeGradients(api: string, loss: tf.Scalar, varList?: readonly tf.Variable[]): GradAndVar[] {
  const ctx = maybeActiveContext();
  if (!ctx) {
    throw new ModelFnError(
      'OUTSIDE_MODEL_FN',
      `${api} must be called inside a model_fn in TRAIN mode (it differentiates through the step's recorded forward pass). Received a call outside any model_fn.`,
    );
  }
  checkLoss(api, loss);
  const vars = checkVarList(api, varList) ?? ctx.store.trainable();
  if (vars.length === 0) {
    throw new ModelFnError('NO_TRAINABLE_VARIABLES', `${api}: there are no trainable variables to differentiate.`);
  }
  if (!tapeActive()) {
    if (ctx.building) return vars.map((v) => [tf.zerosLike(v), v] as const);
    throw new ModelFnError(
      'NO_GRADIENT_TAPE',
      `${api} needs the Estimator's TRAIN step, which records the forward pass; call it only when mode === ModeKeys.TRAIN. Received a call in ${ctx.mode.toUpperCase()} mode.`,
    );
  }
  const grads = gradientsFor(api, loss, vars);
  return vars.map((v) => [grads[v.name] ?? null, v] as const);
}

/**
 * The gradients of `loss` for the trainable ones of `vars`, by engine name, from the active gradient tape; one clear
 * error when none is connected (TF's "No gradients provided for any variable").
 */
export function gradientsFor(api: string, loss: tf.Scalar, vars: readonly tf.Variable[]): tf.NamedTensorMap {
  const trainable = vars.filter((v) => v.trainable);
  try {
    return tf.variableGrads(() => loss, trainable).grads;
  } catch (e) {
    if (!/Cannot find a connection|Cannot compute gradient of y=f\(x\)/.test((e as Error).message)) throw e;
    throw new ModelFnError(
      'NO_GRADIENTS',
      `${api}: no gradients for any variable: the loss does not depend on ${trainable.map((v) => v.name.replace(/^est\d+\//, '')).join(', ')}. Pass the variables the loss is computed from (varList), or a loss computed from them.`,
    );
  }
}

export function checkLoss(api: string, loss: unknown): asserts loss is tf.Scalar {
  const isTensor = typeof loss === 'object' && loss !== null && 'shape' in loss && 'dtype' in loss;
  if (!isTensor || (loss as tf.Tensor).rank !== 0) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: loss must be a scalar tensor. Received ${describe(loss)}; reduce it with tf.mean() or a losses.* function.`,
    );
  }
}

export function checkVarList(api: string, varList: unknown): tf.Variable[] | undefined {
  if (varList === undefined) return undefined;
  if (!Array.isArray(varList) || varList.length === 0 || !varList.every((v) => v instanceof tf.Variable)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: varList must be a non-empty array of variables (from getVariable() or a layer). Received ${describe(varList)}.`,
    );
  }
  return varList;
}
