import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { activeContext, deriveSeed, maybeActiveContext } from '../model-fn-context.js';
import { checkTensorInput } from './check-input.js';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Fraction of units dropped (default 0.5). */
  readonly rate?: number;
  /** Apply dropout? Default: only in TRAIN mode. */
  readonly training?: boolean;
}

/**
 * Dropout (TF's `tf.layers.dropout`): active only when training. Its random mask is seeded from the run seed and
 * the global step, so a resumed run drops the same units as an uninterrupted one.
 * @example
 *   const h = dropout(dense(x, 256, { activation: 'relu' }), { rate: 0.5 });
 */
export function dropout(inputs: tf.Tensor, options: DropoutOptions = {}): tf.Tensor {
  checkTensorInput('dropout()', 'inputs', inputs);
  checkOptionKeys('dropout()', options, ['rate', 'training']);
  const rate = options.rate ?? 0.5;
  if (!(rate >= 0 && rate < 1)) {
    throw new ModelFnError('INVALID_ARGUMENT', `dropout(): rate must be in [0, 1). Received ${String(rate)}.`);
  }
  const ctx = options.training === undefined ? activeContext('dropout()') : maybeActiveContext();
  const training = options.training ?? ctx?.mode === 'train';
  if (!training || rate === 0) return inputs;
  const index = ctx ? ctx.randomOps++ : 0;
  const seed = ctx ? deriveSeed(ctx.randomSeed, `dropout/${ctx.globalStep}/${index}`) : undefined;
  return tf.dropout(inputs, rate, undefined, seed);
}
