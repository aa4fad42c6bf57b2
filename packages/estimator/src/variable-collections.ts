import type * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from './errors.js';
import { getLosses, getRegularizationLosses } from './losses/collections.js';
import { activeContext, type ModelFnContext } from './model-fn-context.js';

/**
 * TF 1.x's graph collections for one model_fn call: the variables the call used (in first-use order, as TF lists
 * variables in creation order), the losses collections, and collections the model_fn adds to itself. TF builds a
 * fresh graph per Estimator call; here the model_fn runs once per step, so each call starts empty.
 * Owns: the per-call variable list and user collections. Does not own: the variables (the store) or the losses
 * lists (`losses/collections.ts`).
 */
interface CallCollections {
  readonly variables: Map<string, tf.Variable>;
  readonly user: Map<string, unknown[]>;
}

const byContext = new WeakMap<ModelFnContext, CallCollections>();

function of(ctx: ModelFnContext): CallCollections {
  let c = byContext.get(ctx);
  if (!c) {
    c = { variables: new Map(), user: new Map() };
    byContext.set(ctx, c);
  }
  return c;
}

/** Records that the model_fn call used the variable `name` (getVariable and tfjs-layers weights call this). */
export function noteVariable(ctx: ModelFnContext, name: string, v: tf.Variable): void {
  const vars = of(ctx).variables;
  if (!vars.has(name)) vars.set(name, v);
}

/** TF's `tf.GraphKeys` names of the collections {@link getCollection} knows. */
export const GraphKeys = {
  GLOBAL_VARIABLES: 'variables',
  TRAINABLE_VARIABLES: 'trainable_variables',
  MODEL_VARIABLES: 'model_variables',
  LOCAL_VARIABLES: 'local_variables',
  UPDATE_OPS: 'update_ops',
  LOSSES: 'losses',
  REGULARIZATION_LOSSES: 'regularization_losses',
} as const;

function checkScope(api: string, scope: unknown): void {
  if (scope !== undefined && typeof scope !== 'string') {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: scope must be a string. Received ${describe(scope)}.`);
  }
}

/** TF filters by `re.match(scope, name)`: the scope matches at the start of the name. */
function inScope(name: string, scope: string | undefined): boolean {
  if (scope === undefined || scope === '') return true;
  return new RegExp(`^(?:${scope})`).test(name);
}

function variables(api: string, scope: string | undefined, trainableOnly: boolean): tf.Variable[] {
  checkScope(api, scope);
  const ctx = activeContext(api);
  const out: tf.Variable[] = [];
  for (const [name, v] of of(ctx).variables) if ((!trainableOnly || v.trainable) && inScope(name, scope)) out.push(v);
  return out;
}

/**
 * The trainable variables this model_fn call created or reused so far, in first-use order, optionally only those
 * whose name matches `scope` at its start (TF's `tf.trainable_variables(scope)`), e.g. a GAN's generator variables.
 * @example
 *   const genOp = new AdamOptimizer().minimize(gLoss, { varList: trainableVariables('generator') });
 */
export function trainableVariables(scope?: string): tf.Variable[] {
  return variables('trainableVariables()', scope, true);
}

/**
 * Every variable this model_fn call used so far, trainable or not (batch normalization's moving statistics
 * included), optionally filtered by `scope` (TF's `tf.global_variables(scope)`). Unlike TF the list holds no
 * global step and no optimizer slots: the Estimator keeps those outside the model.
 * @example
 *   const names = globalVariables().map(variableName); // ['conv1d/kernel', 'conv1d/bias', …]
 */
export function globalVariables(scope?: string): tf.Variable[] {
  return variables('globalVariables()', scope, false);
}

/**
 * The name a variable has in checkpoints and collections (`conv1d/kernel`), without the engine prefix tfjs needs to
 * keep several Estimators' variables apart. Must be called inside a model_fn.
 * @example
 *   trainableVariables().map(variableName);
 */
export function variableName(v: tf.Variable): string {
  const ctx = activeContext('variableName()');
  return ctx.store.logicalName(v.name);
}

/**
 * The items of collection `key` in this model_fn call (TF's `tf.get_collection`): the variable collections, the
 * losses collections, `UPDATE_OPS` (always empty: batch normalization updates its moving statistics inside the
 * training step, so there is nothing to run), or a collection the model_fn filled with {@link addToCollection}.
 * `scope` filters variable collections by name; other collections hold unnamed values and refuse it.
 * @example
 *   const reg = getCollection(GraphKeys.REGULARIZATION_LOSSES);
 */
export function getCollection(key: string, scope?: string): unknown[] {
  const api = 'getCollection()';
  checkScope(api, scope);
  const ctx = activeContext(api);
  switch (key) {
    case GraphKeys.GLOBAL_VARIABLES:
    case GraphKeys.MODEL_VARIABLES:
      return variables(api, scope, false);
    case GraphKeys.TRAINABLE_VARIABLES:
      return variables(api, scope, true);
    case GraphKeys.LOCAL_VARIABLES:
      return [];
  }
  if (scope !== undefined) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: scope filters variable collections only; collection ${JSON.stringify(key)} holds unnamed values. Received scope ${JSON.stringify(scope)}.`,
    );
  }
  if (key === GraphKeys.UPDATE_OPS) return [...(of(ctx).user.get(key) ?? [])];
  if (key === GraphKeys.LOSSES) return getLosses();
  if (key === GraphKeys.REGULARIZATION_LOSSES) return getRegularizationLosses();
  return [...(of(ctx).user.get(key) ?? [])];
}

/**
 * Adds `value` to the collection `key` for the rest of this model_fn call (TF's `tf.add_to_collection`). The built-in
 * variable and losses collections are filled by getVariable and the losses; add losses with `losses.addLoss()`.
 * @example
 *   addToCollection('activations', tf.relu(x));
 */
export function addToCollection(key: string, value: unknown): void {
  const api = 'addToCollection()';
  if (typeof key !== 'string' || key === '') {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: key must be a non-empty string. Received ${describe(key)}.`);
  }
  const builtIn: readonly string[] = [
    GraphKeys.GLOBAL_VARIABLES,
    GraphKeys.TRAINABLE_VARIABLES,
    GraphKeys.MODEL_VARIABLES,
    GraphKeys.LOCAL_VARIABLES,
    GraphKeys.LOSSES,
    GraphKeys.REGULARIZATION_LOSSES,
  ];
  if (builtIn.includes(key)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: ${JSON.stringify(key)} is filled by getVariable() and the losses; use getVariable() or losses.addLoss()/addRegularizationLoss() instead. Received key ${JSON.stringify(key)}.`,
    );
  }
  const user = of(activeContext(api)).user;
  const list = user.get(key) ?? [];
  list.push(value);
  user.set(key, list);
}
