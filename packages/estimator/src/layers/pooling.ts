import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { checkTensorInput } from './check-input.js';
import { type PoolingOptions, pool } from './internal/pool.js';

type Pair = number | [number, number];

/**
 * Max pooling over NHWC inputs (NCHW with `dataFormat: 'channels_first'`; TF's `tf.layers.max_pooling2d`).
 * No variables.
 * @example
 *   const p1 = maxPooling2d(c1, 2, 2);
 */
export function maxPooling2d(
  inputs: tf.Tensor,
  poolSize: Pair,
  strides: Pair,
  options: PoolingOptions = {},
): tf.Tensor4D {
  return pool('maxPooling2d()', 'max', 2, inputs, poolSize, strides, options) as tf.Tensor4D;
}

/**
 * Average pooling over NHWC inputs (NCHW with `dataFormat: 'channels_first'`; TF's `tf.layers.average_pooling2d`).
 * No variables.
 * @example
 *   const p = averagePooling2d(c1, 2, 2);
 */
export function averagePooling2d(
  inputs: tf.Tensor,
  poolSize: Pair,
  strides: Pair,
  options: PoolingOptions = {},
): tf.Tensor4D {
  return pool('averagePooling2d()', 'avg', 2, inputs, poolSize, strides, options) as tf.Tensor4D;
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
