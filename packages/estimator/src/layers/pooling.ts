import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { checkTensorInput } from './check-input.js';

type Pair = number | [number, number];

function check(api: string, inputs: tf.Tensor): void {
  checkTensorInput(api, 'inputs', inputs);
  if (inputs.rank !== 4)
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: inputs must be NHWC with rank 4. Received shape [${inputs.shape}].`,
    );
}

/**
 * Max pooling over NHWC inputs (TF's `tf.layers.max_pooling2d`). No variables.
 * @example
 *   const p1 = maxPooling2d(c1, 2, 2);
 */
export function maxPooling2d(
  inputs: tf.Tensor,
  poolSize: Pair,
  strides: Pair,
  options: { padding?: 'valid' | 'same' } = {},
): tf.Tensor4D {
  check('maxPooling2d()', inputs);
  return tf.maxPool(inputs as tf.Tensor4D, poolSize, strides, options.padding ?? 'valid');
}

/**
 * Average pooling over NHWC inputs (TF's `tf.layers.average_pooling2d`). No variables.
 * @example
 *   const p = averagePooling2d(c1, 2, 2);
 */
export function averagePooling2d(
  inputs: tf.Tensor,
  poolSize: Pair,
  strides: Pair,
  options: { padding?: 'valid' | 'same' } = {},
): tf.Tensor4D {
  check('averagePooling2d()', inputs);
  return tf.avgPool(inputs as tf.Tensor4D, poolSize, strides, options.padding ?? 'valid');
}

/**
 * Flattens every axis but the first (TF's `tf.layers.flatten`).
 * @example
 *   const flat = flatten(p2); // [batch, 7*7*40]
 */
export function flatten(inputs: tf.Tensor): tf.Tensor2D {
  checkTensorInput('flatten()', 'inputs', inputs);
  if (inputs.rank < 1)
    throw new ModelFnError('INVALID_ARGUMENT', `flatten(): inputs must have a batch axis. Received a scalar.`);
  const rest = inputs.shape.slice(1).reduce((a, b) => a * b, 1);
  return tf.reshape(inputs, [inputs.shape[0]!, rest]);
}
