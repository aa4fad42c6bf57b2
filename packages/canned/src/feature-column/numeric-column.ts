import type { Features } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { checkKey, type DenseColumn, getFeature } from './feature-column.js';

/** Options of {@link numericColumn} (TF's names). */
export interface NumericColumnOptions {
  /** Shape of one example's value (default `[1]`). */
  readonly shape?: readonly number[];
  /** Replaces NaN values (how missing CSV cells arrive); TF uses it when parsing tf.Examples. */
  readonly defaultValue?: number;
  /** Applied to the float values before use, e.g. `(x) => tf.div(tf.sub(x, mean), std)`. */
  readonly normalizerFn?: (x: tf.Tensor) => tf.Tensor;
}

/** A numeric column: its options plus the dense-column contract. */
export interface NumericColumn extends DenseColumn {
  readonly key: string;
  readonly shape: readonly number[];
  readonly defaultValue: number | undefined;
}

/**
 * Real-valued features (TF's `tf.feature_column.numeric_column`): the feature `key`, `[batch, ...shape]`, as float32.
 * @example
 *   const age = featureColumn.numericColumn('age', { normalizerFn: (x) => tf.div(x, 100) });
 */
export function numericColumn(key: string, options: NumericColumnOptions = {}): NumericColumn {
  const api = 'featureColumn.numericColumn()';
  checkOptionKeys(api, options, KNOWN_OPTIONS.numericColumn);
  checkKey(api, key);
  const shape = options.shape ?? [1];
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: shape of ${JSON.stringify(key)} must be a non-empty array of integers > 0. Received ${describe(shape)}.`,
    );
  }
  if (options.normalizerFn !== undefined && typeof options.normalizerFn !== 'function') {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: normalizerFn of ${JSON.stringify(key)} must be a function. Received ${describe(options.normalizerFn)}.`,
    );
  }
  const dimension = shape.reduce((a, b) => a * b, 1);
  return {
    key,
    name: key,
    shape,
    defaultValue: options.defaultValue,
    dimension,
    dense(features: Features): tf.Tensor2D {
      return tf.tidy(() => numericValues(api, key, features, dimension, options));
    },
  };
}

/** The float `[batch, dimension]` values of a numeric feature, defaults and normalizer applied. */
export function numericValues(
  api: string,
  key: string,
  features: Features,
  dimension: number,
  options: NumericColumnOptions,
): tf.Tensor2D {
  const raw = getFeature(api, features, key);
  if (raw.dtype === 'string') {
    throw new CannedError(
      'FEATURE_DTYPE',
      `${api}: feature ${JSON.stringify(key)} is a string tensor; a numeric column needs numbers. Use a categorical column for strings.`,
    );
  }
  const batch = raw.shape[0] ?? 1;
  if (raw.rank === 0 || raw.size !== batch * dimension) {
    throw new CannedError(
      'FEATURE_SHAPE',
      `${api}: feature ${JSON.stringify(key)} has shape [${raw.shape}], expected [batch${dimension === 1 ? '' : `, ${dimension}`}] (${dimension} value(s) per example).`,
    );
  }
  let x: tf.Tensor = tf.reshape(tf.cast(raw, 'float32'), [batch, dimension]);
  if (options.defaultValue !== undefined) x = tf.where(tf.isNaN(x), tf.fill(x.shape, options.defaultValue), x);
  if (options.normalizerFn) x = options.normalizerFn(x);
  return x as tf.Tensor2D;
}
