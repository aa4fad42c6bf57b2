/**
 * The two kinds of TF feature columns and the helpers every column shares.
 * A dense column turns the features into a float `[batch, dimension]` block (what `inputLayer` concatenates); a
 * categorical column turns them into integer ids in `[0, numBuckets)`, `[batch, k]` with -1 where a value is absent
 * (TF's SparseTensor, padded: an empty string or -1 in the input means "no value", as TF's dense-to-sparse step).
 * `bucketizedColumn` is both. Owns: the column contract. Does not own: variables (inputLayer/linearModel scope them).
 */
import type { Features } from '@estimatorjs/estimator';
import type * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';

/** Integer ids of a categorical column for one batch: `[batch, k]`, -1 where absent, plus optional weights. */
export interface CategoricalIds {
  readonly ids: tf.Tensor2D;
  /** Per-id weights `[batch, k]` (weighted categorical columns); ones when absent. */
  readonly weights?: tf.Tensor2D;
}

/** A column `inputLayer` can use: it yields a float block of `dimension` values per example. */
export interface DenseColumn {
  readonly name: string;
  readonly dimension: number;
  /** The variable scope of the column's variables when it is not `name` (shared embeddings share one scope). */
  readonly varScopeName?: string;
  /** The `[batch, dimension]` block. May create variables (embeddings) in the current variable scope. */
  dense(features: Features): tf.Tensor2D;
}

/** A column of ids in `[0, numBuckets)` (TF's `CategoricalColumn`). */
export interface CategoricalColumn {
  readonly name: string;
  readonly numBuckets: number;
  ids(features: Features): CategoricalIds;
}

/** Any feature column. */
export type FeatureColumn = DenseColumn | CategoricalColumn | (DenseColumn & CategoricalColumn);

/** True when `c` yields a dense block. */
export function isDenseColumn(c: FeatureColumn): c is DenseColumn {
  return typeof (c as DenseColumn).dense === 'function';
}

/** True when `c` yields categorical ids. */
export function isCategoricalColumn(c: FeatureColumn): c is CategoricalColumn {
  return typeof (c as CategoricalColumn).ids === 'function';
}

/** The feature `key` of a batch, with a clear error naming the column when it is missing. */
export function getFeature(api: string, features: Features, key: string): tf.Tensor {
  const isTensor = (x: unknown): x is tf.Tensor =>
    typeof x === 'object' && x !== null && 'dataId' in x && 'shape' in x && 'dtype' in x;
  if (isTensor(features)) {
    throw new CannedError(
      'FEATURES_NOT_A_DICT',
      `${api}: feature columns read features by key, so the input_fn must yield a dict of tensors ({ ${key}: ... }). Received ${describe(features)}.`,
    );
  }
  const t = (features as Record<string, tf.Tensor>)[key];
  if (!isTensor(t)) {
    throw new CannedError(
      'FEATURE_NOT_FOUND',
      `${api}: feature ${JSON.stringify(key)} is not in the features; the input_fn yields keys [${Object.keys(features).join(', ')}]. Fix the column's key or the input_fn.`,
    );
  }
  return t;
}

/** The feature as `[batch, k]` (a `[batch]` vector becomes one column). */
export function asMatrix(api: string, key: string, t: tf.Tensor): { batch: number; k: number } {
  if (t.rank === 1) return { batch: t.shape[0]!, k: 1 };
  if (t.rank === 2) return { batch: t.shape[0]!, k: t.shape[1]! };
  throw new CannedError(
    'FEATURE_SHAPE',
    `${api}: feature ${JSON.stringify(key)} must have shape [batch] or [batch, k]. Received shape [${t.shape}].`,
  );
}

/** Checks a column name (it becomes a variable scope, so no '/'). */
export function checkKey(api: string, key: unknown): string {
  if (typeof key !== 'string' || key === '' || key.includes('/')) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: key must be a non-empty string without '/'. Received ${describe(key)}.`,
    );
  }
  return key;
}

/** Checks a positive integer option. */
export function checkPositiveInt(api: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new CannedError('INVALID_ARGUMENT', `${api}: ${name} must be an integer >= 1. Received ${describe(v)}.`);
  }
  return v;
}
