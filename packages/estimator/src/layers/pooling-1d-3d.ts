import type * as tf from '@tensorflow/tfjs-core';
import { type PoolingOptions, pool } from './internal/pool.js';

/**
 * Max pooling over `[batch, width, channels]` inputs (TF's `tf.layers.max_pooling1d`). No variables.
 * @example
 *   const p = layers.maxPooling1d(h, 2, 2);
 */
export function maxPooling1d(
  inputs: tf.Tensor,
  poolSize: number | [number],
  strides: number | [number],
  options: PoolingOptions = {},
): tf.Tensor3D {
  return pool('maxPooling1d()', 'max', 1, inputs, poolSize, strides, options) as tf.Tensor3D;
}

/**
 * Average pooling over `[batch, width, channels]` inputs (TF's `tf.layers.average_pooling1d`); with `'same'`
 * padding each window averages only its real elements, as TF. No variables.
 * @example
 *   const p = layers.averagePooling1d(h, 2, 2);
 */
export function averagePooling1d(
  inputs: tf.Tensor,
  poolSize: number | [number],
  strides: number | [number],
  options: PoolingOptions = {},
): tf.Tensor3D {
  return pool('averagePooling1d()', 'avg', 1, inputs, poolSize, strides, options) as tf.Tensor3D;
}

/**
 * Max pooling over `[batch, depth, height, width, channels]` inputs (TF's `tf.layers.max_pooling3d`). No variables.
 * @example
 *   const p = layers.maxPooling3d(volumes, 2, 2);
 */
export function maxPooling3d(
  inputs: tf.Tensor,
  poolSize: number | [number, number, number],
  strides: number | [number, number, number],
  options: PoolingOptions = {},
): tf.Tensor5D {
  return pool('maxPooling3d()', 'max', 3, inputs, poolSize, strides, options) as tf.Tensor5D;
}

/**
 * Average pooling over `[batch, depth, height, width, channels]` inputs (TF's `tf.layers.average_pooling3d`).
 * No variables.
 * @example
 *   const p = layers.averagePooling3d(volumes, 2, 2);
 */
export function averagePooling3d(
  inputs: tf.Tensor,
  poolSize: number | [number, number, number],
  strides: number | [number, number, number],
  options: PoolingOptions = {},
): tf.Tensor5D {
  return pool('averagePooling3d()', 'avg', 3, inputs, poolSize, strides, options) as tf.Tensor5D;
}
