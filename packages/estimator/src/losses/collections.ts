import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';
import { type ModelFnContext, maybeActiveContext } from '../model-fn-context.js';

/**
 * TF's `GraphKeys.LOSSES` and `GraphKeys.REGULARIZATION_LOSSES` collections, scoped to one model_fn call (TF builds a
 * fresh graph per Estimator call; here the model_fn runs once per step, so each call starts empty). Owns: the two
 * lists and the getters over them. Does not own: the tensors (they live in the step's tidy scope like any other).
 */
interface Collections {
  readonly losses: tf.Tensor[];
  readonly regularization: tf.Tensor[];
  /** Variables already regularized in this call: a variable reused twice is penalized once, as TF adds it once. */
  readonly regularized: Set<string>;
}

const byContext = new WeakMap<ModelFnContext, Collections>();

function collectionsOf(ctx: ModelFnContext): Collections {
  let c = byContext.get(ctx);
  if (!c) {
    c = { losses: [], regularization: [], regularized: new Set() };
    byContext.set(ctx, c);
  }
  return c;
}

function active(api: string): Collections {
  const ctx = maybeActiveContext();
  if (!ctx) {
    throw new ModelFnError(
      'OUTSIDE_MODEL_FN',
      `${api} must be called inside a model_fn: the losses collections belong to one model_fn call. Received a call outside any model_fn.`,
    );
  }
  return collectionsOf(ctx);
}

function checkTensor(api: string, t: unknown): asserts t is tf.Tensor {
  if (!(typeof t === 'object' && t !== null && 'shape' in t && 'dtype' in t)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: expected a loss tensor. Received ${describe(t)}.`);
  }
}

/**
 * Adds `loss` to the model_fn's losses collection (TF's `tf.losses.add_loss`). The loss functions do this themselves
 * inside a model_fn; outside one this does nothing, as TF ignores the collection when executing eagerly.
 * @example
 *   losses.addLoss(tf.mul(0.1, customPenalty));
 */
export function addLoss(loss: tf.Tensor): void {
  checkTensor('losses.addLoss()', loss);
  const ctx = maybeActiveContext();
  if (ctx) collectionsOf(ctx).losses.push(loss);
}

/**
 * Adds a regularization term to the model_fn's regularization collection (what layers' regularizers and
 * `getVariable({ regularizer })` do; TF's `REGULARIZATION_LOSSES`). Outside a model_fn it does nothing.
 */
export function addRegularizationLoss(loss: tf.Tensor): void {
  checkTensor('losses.addRegularizationLoss()', loss);
  const ctx = maybeActiveContext();
  if (ctx) collectionsOf(ctx).regularization.push(loss);
}

/**
 * Adds `compute()`'s penalty for the variable `name` to the regularization collection, once per model_fn call
 * (getVariable's `regularizer`). Outside a model_fn and in PREDICT mode it does nothing.
 */
export function regularizeOnce(name: string, compute: () => tf.Tensor | null): void {
  const ctx = maybeActiveContext();
  // PREDICT needs no penalties; skipping them keeps them out of traced export graphs.
  if (!ctx || ctx.mode === 'infer') return;
  const c = collectionsOf(ctx);
  if (c.regularized.has(name)) return;
  c.regularized.add(name);
  const penalty = compute();
  if (penalty) c.regularization.push(penalty);
}

/**
 * The losses the loss functions added during this model_fn call, in order (TF's `tf.losses.get_losses`).
 * @example
 *   const [dataLoss] = losses.getLosses();
 */
export function getLosses(): tf.Tensor[] {
  return [...active('losses.getLosses()').losses];
}

/**
 * The regularization terms of this model_fn call, in order (TF's `tf.losses.get_regularization_losses`).
 * @example
 *   const terms = losses.getRegularizationLosses(); // one per regularized variable or activity
 */
export function getRegularizationLosses(): tf.Tensor[] {
  return [...active('losses.getRegularizationLosses()').regularization];
}

/**
 * The sum of this model_fn call's regularization terms, or a scalar 0 when there are none
 * (TF's `tf.losses.get_regularization_loss`).
 * @example
 *   const total = tf.add(loss, losses.getRegularizationLoss());
 */
export function getRegularizationLoss(): tf.Scalar {
  return sum('losses.getRegularizationLoss()', active('losses.getRegularizationLoss()').regularization);
}

/**
 * The sum of the collected losses plus, by default, the regularization terms (TF's `tf.losses.get_total_loss`).
 * Throws when there is nothing to sum, as TF does.
 * @example
 *   const trainOp = optimizer.minimize(losses.getTotalLoss());
 */
export function getTotalLoss(options: { addRegularizationLosses?: boolean } = {}): tf.Scalar {
  const api = 'losses.getTotalLoss()';
  const c = active(api);
  const all = [...c.losses, ...(options.addRegularizationLosses === false ? [] : c.regularization)];
  if (all.length === 0) {
    throw new ModelFnError(
      'NO_LOSSES',
      `${api}: no losses were collected in this model_fn call; compute a loss with losses.* (or losses.addLoss()) first.`,
    );
  }
  return sum(api, all);
}

function sum(api: string, terms: readonly tf.Tensor[]): tf.Scalar {
  for (const t of terms) {
    if (t.rank !== 0) {
      throw new ModelFnError(
        'SHAPE_MISMATCH',
        `${api}: every collected loss must be a scalar to be summed (TF's add_n). Received one of shape [${t.shape}]; reduce it or pass reduction other than Reduction.NONE.`,
      );
    }
  }
  if (terms.length === 0) return tf.scalar(0);
  // Pairwise adds, not tf.addN: WebGPU's AddN binds one buffer per input and fails past 8 (see train-step.ts).
  return tf.tidy(() => terms.reduce((acc, t) => tf.add(acc, t)) as tf.Scalar);
}
