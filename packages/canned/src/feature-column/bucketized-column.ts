import type { Features } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import type { CategoricalColumn, CategoricalIds, DenseColumn } from './feature-column.js';
import { type NumericColumn, numericValues } from './numeric-column.js';

/** A bucketized column: dense (one-hot of the buckets) and categorical (the bucket ids). */
export interface BucketizedColumn extends DenseColumn, CategoricalColumn {
  readonly sourceColumn: NumericColumn;
  readonly boundaries: readonly number[];
}

/**
 * Buckets a numeric column by `boundaries` (TF's `tf.feature_column.bucketized_column`): bucket i holds
 * `boundaries[i-1] <= x < boundaries[i]`, so boundaries `[0, 10, 100]` put -1, 0, 5, 10, 150 in buckets 0, 1, 1, 2, 3.
 * A source of shape `[d]` gives `d` ids, the j-th offset by `j * (boundaries.length + 1)`, as TF does.
 * @example
 *   const ageBuckets = featureColumn.bucketizedColumn(featureColumn.numericColumn('age'), [18, 25, 30, 35, 40, 50, 65]);
 */
export function bucketizedColumn(sourceColumn: NumericColumn, boundaries: readonly number[]): BucketizedColumn {
  const api = 'featureColumn.bucketizedColumn()';
  if (typeof sourceColumn?.key !== 'string' || !Array.isArray(sourceColumn.shape)) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: sourceColumn must be a numericColumn(). Received ${describe(sourceColumn)}.`,
    );
  }
  if (
    !Array.isArray(boundaries) ||
    boundaries.length === 0 ||
    !boundaries.every((b, i) => Number.isFinite(b) && (i === 0 || b > boundaries[i - 1]!))
  ) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: boundaries of ${JSON.stringify(sourceColumn.key)} must be a non-empty, strictly increasing list of finite numbers. Received ${JSON.stringify(boundaries)}.`,
    );
  }
  const perDim = boundaries.length + 1;
  const d = sourceColumn.dimension;
  const ids = (features: Features): tf.Tensor2D =>
    tf.tidy(() => {
      const x = numericValues(api, sourceColumn.key, features, d, {
        defaultValue: sourceColumn.defaultValue,
      });
      // A value's bucket is how many boundaries are <= it.
      const counts = tf.addN(boundaries.map((b) => tf.cast(tf.greaterEqual(x, b), 'int32')));
      const offsets = tf.range(0, d * perDim, perDim, 'int32');
      return tf.add(counts, offsets) as tf.Tensor2D;
    });
  return {
    sourceColumn,
    boundaries: [...boundaries],
    name: `${sourceColumn.name}_bucketized`,
    numBuckets: d * perDim,
    dimension: d * perDim,
    ids(features: Features): CategoricalIds {
      return { ids: ids(features) };
    },
    dense(features: Features): tf.Tensor2D {
      return tf.tidy(() => {
        const i = ids(features);
        return tf.sum(tf.oneHot(i, d * perDim), 1) as tf.Tensor2D;
      });
    },
  };
}
