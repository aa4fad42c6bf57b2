import type { Features } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import {
  type CategoricalColumn,
  type CategoricalIds,
  checkKey,
  getFeature,
  isCategoricalColumn,
} from './feature-column.js';

/** A categorical column whose ids carry weights from another feature. */
export interface WeightedCategoricalColumn extends CategoricalColumn {
  readonly categoricalColumn: CategoricalColumn;
  readonly weightFeatureKey: string;
}

/**
 * Gives each id of a categorical column a weight read from `weightFeatureKey`, the same shape as the ids' feature
 * (TF's `tf.feature_column.weighted_categorical_column`): indicator columns sum the weights, embedding combiners and
 * the linear model weight by them. Name: `<column>_weighted_by_<weightFeatureKey>`.
 * @example
 *   const terms = featureColumn.weightedCategoricalColumn(featureColumn.categoricalColumnWithIdentity('term', 1000), 'frequency');
 */
export function weightedCategoricalColumn(
  categoricalColumn: CategoricalColumn,
  weightFeatureKey: string,
): WeightedCategoricalColumn {
  const api = 'featureColumn.weightedCategoricalColumn()';
  if (!isCategoricalColumn(categoricalColumn as never)) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: categoricalColumn must be a categorical column. Received ${describe(categoricalColumn)}.`,
    );
  }
  checkKey(api, weightFeatureKey);
  return {
    categoricalColumn,
    weightFeatureKey,
    name: `${categoricalColumn.name}_weighted_by_${weightFeatureKey}`,
    numBuckets: categoricalColumn.numBuckets,
    ids(features: Features): CategoricalIds {
      const { ids, weights } = categoricalColumn.ids(features);
      const raw = getFeature(api, features, weightFeatureKey);
      if (raw.size !== ids.size || raw.dtype === 'string') {
        tf.dispose([ids, weights ?? []]);
        throw new CannedError(
          'WEIGHT_SHAPE',
          `${api}: weight feature ${JSON.stringify(weightFeatureKey)} must hold one number per id ([${ids.shape}]). Received ${describe(raw)}.`,
        );
      }
      const w = tf.tidy(() => {
        const own = tf.reshape(tf.cast(raw, 'float32'), ids.shape);
        return (weights ? tf.mul(own, weights) : own) as tf.Tensor2D;
      });
      weights?.dispose();
      return { ids, weights: w };
    },
  };
}
