import type { Features } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { type CategoricalColumn, type DenseColumn, isCategoricalColumn } from './feature-column.js';

/** An indicator column: the multi-hot block of a categorical column. */
export interface IndicatorColumn extends DenseColumn {
  readonly categoricalColumn: CategoricalColumn;
}

/** Ids `[batch, k]` (-1 absent) and weights as a `[batch, numBuckets]` sum of weighted one-hots. */
export function multiHot(ids: tf.Tensor2D, weights: tf.Tensor2D | undefined, numBuckets: number): tf.Tensor2D {
  return tf.tidy(() => {
    const present = tf.cast(tf.greaterEqual(ids, 0), 'float32');
    const w = weights ? tf.mul(present, weights) : present;
    const oneHot = tf.oneHot(tf.maximum(ids, tf.zerosLike(ids)) as tf.Tensor2D, numBuckets);
    return tf.sum(tf.mul(oneHot, tf.expandDims(w, 2)), 1) as tf.Tensor2D;
  });
}

/**
 * A categorical column as a dense multi-hot block for DNNs (TF's `tf.feature_column.indicator_column`): one slot per
 * bucket, holding how often (or, for weighted columns, how much) each id occurs in the example.
 * @example
 *   const colorOneHot = featureColumn.indicatorColumn(color);
 */
export function indicatorColumn(categoricalColumn: CategoricalColumn): IndicatorColumn {
  if (!isCategoricalColumn(categoricalColumn as never)) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `featureColumn.indicatorColumn(): categoricalColumn must be a categorical column (categoricalColumnWith*, bucketizedColumn, crossedColumn). Received ${describe(categoricalColumn)}.`,
    );
  }
  return {
    categoricalColumn,
    name: `${categoricalColumn.name}_indicator`,
    dimension: categoricalColumn.numBuckets,
    dense(features: Features): tf.Tensor2D {
      const { ids, weights } = categoricalColumn.ids(features);
      try {
        return multiHot(ids, weights, categoricalColumn.numBuckets);
      } finally {
        tf.dispose([ids, weights ?? []]);
      }
    },
  };
}
