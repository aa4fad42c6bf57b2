import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { checkTensorInput } from './check-input.js';
import { checkDataFormat, type DataFormat, toChannelsLast } from './internal/data-format.js';
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
 * Flattens every axis but the first (TF's `tf.layers.flatten`). With `dataFormat: 'channels_first'` the channels
 * axis is moved last first, as TF does, so the order of features matches a channels_last model's.
 * @example
 *   const flat = flatten(p2); // [batch, 7*7*40]
 */
export function flatten(inputs: tf.Tensor, options: { dataFormat?: DataFormat; name?: string } = {}): tf.Tensor2D {
  checkTensorInput('flatten()', 'inputs', inputs);
  checkOptionKeys('flatten()', options, ['dataFormat', 'name']);
  if (inputs.rank < 1)
    throw new ModelFnError('INVALID_ARGUMENT', `flatten(): inputs must have a batch axis. Received a scalar.`);
  const first = checkDataFormat('flatten()', options.dataFormat) === 'channels_first' && inputs.rank > 2;
  const rest = inputs.shape.slice(1).reduce((a, b) => a * b, 1);
  return tf.tidy(() => tf.reshape(first ? toChannelsLast(inputs) : inputs, [inputs.shape[0]!, rest]));
}
