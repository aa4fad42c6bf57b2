import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';

function isNestedNumberArray(x: unknown): x is number[][] {
  return Array.isArray(x) && x.length > 0 && x.every((r) => Array.isArray(r) && r.every((v) => typeof v === 'number'));
}

/**
 * Checks that a layer helper got a tensor. Without it a plain value fails deep inside tfjs with a TypeError
 * (`Cannot read properties of undefined`), far from the model_fn line that passed it; the three usual mistakes
 * (a dict of features, a nested plain array, a flat number[]) get their fix in the message.
 */
export function checkTensorInput(api: string, arg: string, x: unknown): asserts x is tf.Tensor {
  if (x instanceof tf.Tensor) return;
  let fix = 'pass a tf.Tensor';
  if (isNestedNumberArray(x)) {
    fix = `a nested plain array (${x.length} rows of ${x[0]!.length}) is not a tensor: wrap it with tf.tensor2d(rows)`;
  } else if (Array.isArray(x) && x.every((v) => typeof v === 'number')) {
    fix = 'a plain number[] is not a tensor: wrap it with tf.tensor1d(values) (or tf.tensor2d for a batch of rows)';
  } else if (typeof x === 'object' && x !== null && !Array.isArray(x)) {
    const keys = Object.keys(x);
    fix = `features is a dict: pass one entry such as features.${keys[0] ?? 'x'}, or tf.concat the entries`;
  }
  throw new ModelFnError('INVALID_LAYER_INPUT', `${api}: ${arg} must be a tf.Tensor. Received ${describe(x)}; ${fix}.`);
}
