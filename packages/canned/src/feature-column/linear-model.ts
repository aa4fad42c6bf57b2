import { type Features, getVariable, initializers, variableScope } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { checkPositiveInt, type FeatureColumn, isCategoricalColumn } from './feature-column.js';
import { sortedColumns } from './input-layer.js';

/** Options of {@link linearModel}. */
export interface LinearModelOptions {
  /** Output width (default 1). */
  readonly units?: number;
}

/**
 * A linear model over feature columns (TF's `tf.feature_column.linear_model`): `Σ_columns x·W_column + bias`,
 * `[batch, units]`. Categorical columns add the sum of their ids' weight rows (no one-hot built); dense columns
 * multiply. Variables `linear_model/<column>/weights` and `linear_model/bias_weights`, zero-initialized as TF's.
 * @example
 *   const logits = featureColumn.linearModel(features, [age, color], { units: 1 });
 */
export function linearModel(
  features: Features,
  featureColumns: readonly FeatureColumn[],
  options: LinearModelOptions = {},
): tf.Tensor2D {
  const api = 'featureColumn.linearModel()';
  checkOptionKeys(api, options, KNOWN_OPTIONS.linearModel);
  const units = checkPositiveInt(api, 'units', options.units ?? 1);
  const columns = sortedColumns(api, featureColumns);
  return variableScope('linear_model', () => {
    const parts: tf.Tensor2D[] = [];
    for (const c of columns) {
      parts.push(
        variableScope(c.name, () => {
          // Bucketized columns are both: TF's linear model uses their ids (one weight row per bucket).
          if (isCategoricalColumn(c)) {
            const w = getVariable('weights', { shape: [c.numBuckets, units], initializer: initializers.zeros() });
            const { ids, weights } = c.ids(features);
            try {
              return tf.tidy(() => {
                const present = tf.cast(tf.greaterEqual(ids, 0), 'float32');
                const m = weights ? tf.mul(present, weights) : present;
                const rows = tf.gather(w, tf.maximum(ids, tf.zerosLike(ids))); // [batch, k, units]
                return tf.sum(tf.mul(rows, tf.expandDims(m, 2)), 1) as tf.Tensor2D;
              });
            } finally {
              tf.dispose([ids, weights ?? []]);
            }
          }
          const w = getVariable('weights', { shape: [c.dimension, units], initializer: initializers.zeros() });
          const x = c.dense(features);
          try {
            return tf.matMul(x, w as tf.Tensor2D);
          } finally {
            x.dispose();
          }
        }),
      );
    }
    const bias = getVariable('bias_weights', { shape: [units], initializer: initializers.zeros() });
    const out = tf.add(tf.addN(parts), bias) as tf.Tensor2D;
    tf.dispose(parts);
    return out;
  });
}
