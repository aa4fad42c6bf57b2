import type * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from './errors.js';
import { type Initializer, initializers } from './initializers.js';
import { engineState } from './internal/engine-state.js';
import { type Regularizer, runRegularizer } from './layers/regularizers.js';
import { regularizeOnce } from './losses/collections.js';
import { activeContext, deriveSeed, scopedName } from './model-fn-context.js';
import { noteVariable } from './variable-collections.js';

/** Options of {@link getVariable}. */
export interface GetVariableOptions {
  readonly shape: readonly number[];
  readonly dtype?: 'float32' | 'int32';
  /** Default: glorot uniform for float32 (TF's default), zeros for int32. */
  readonly initializer?: Initializer;
  readonly trainable?: boolean;
  /**
   * A penalty on the variable added to the model_fn call's regularization losses (TF's `get_variable(regularizer=…)`),
   * e.g. `regularizers.l2Regularizer(1e-4)`; counted once per call however often the variable is reused.
   */
  readonly regularizer?: Regularizer;
}

/**
 * Gets the variable `name` under the current variable scopes, creating it on first use and reusing it on every
 * later model_fn call (TF's `tf.get_variable` with reuse). Must be called inside a model_fn.
 * @example
 *   const w = variableScope('logits', () => getVariable('kernel', { shape: [256, 10] }));
 */
export function getVariable(name: string, options: GetVariableOptions): tf.Variable {
  const ctx = activeContext('getVariable()');
  if (typeof name !== 'string' || name === '' || name.includes('/')) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `getVariable(): name must be a non-empty string without '/'; use variableScope() for nesting. Received ${JSON.stringify(name)}.`,
    );
  }
  if (!Array.isArray(options?.shape) || !options.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `getVariable(${JSON.stringify(name)}): shape must be an array of integers >= 0. Received ${JSON.stringify(options?.shape)}.`,
    );
  }
  const full = scopedName(ctx, name);
  const dtype = options.dtype ?? 'float32';
  const init = options.initializer ?? (dtype === 'int32' ? initializers.zeros() : initializers.glorotUniform());
  const v = ctx.store.getOrCreate(full, options.shape, dtype, options.trainable ?? true, () =>
    init(options.shape, dtype, deriveSeed(ctx.randomSeed, full)),
  );
  noteVariable(ctx, full, v);
  const regularizer = options.regularizer;
  if (regularizer !== undefined) {
    regularizeOnce(full, () => runRegularizer(`getVariable(${JSON.stringify(name)})`, 'regularizer', regularizer, v));
  }
  return v;
}

/**
 * Runs `fn` with `name` appended to the variable scope, so variables inside are named `name/…`
 * (TF's `tf.variable_scope`).
 * @example
 *   variableScope('conv1', () => getVariable('kernel', { shape: [5, 5, 1, 20] })); // conv1/kernel
 */
export function variableScope<T>(name: string, fn: () => T): T {
  const ctx = activeContext('variableScope()');
  if (typeof name !== 'string' || name === '' || name.includes('/')) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `variableScope(): name must be a non-empty string without '/'. Received ${JSON.stringify(name)}.`,
    );
  }
  ctx.scopes.push(name);
  const span = ctx.scopeTrace ? { scope: ctx.scopes.join('/'), start: tapeLength(), end: -1 } : null;
  try {
    return fn();
  } finally {
    if (span && ctx.scopeTrace) {
      span.end = tapeLength();
      ctx.scopeTrace.push(span);
    }
    ctx.scopes.pop();
  }
}

/**
 * Names a tensor so hooks can ask for it (TF's `tf.identity(x, name=…)`), e.g.
 * `new LoggingTensorHook({ tensors: ['accuracy'] })`. Returns the tensor unchanged.
 * @example
 *   nameTensor('train_accuracy', tf.mean(tf.cast(tf.equal(labels, classes), 'float32')));
 */
export function nameTensor<T extends tf.Tensor>(name: string, tensor: T): T {
  const ctx = activeContext('nameTensor()');
  ctx.named.set(name, tensor);
  return tensor;
}

/** How many kernels the active gradient tape holds (0 outside one): lets a graph trace name kernels by scope. */
function tapeLength(): number {
  return engineState().activeTape?.length ?? 0;
}
