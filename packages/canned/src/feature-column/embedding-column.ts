import { type Features, getVariable, type Initializer, initializers } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { type CategoricalColumn, checkPositiveInt, type DenseColumn, isCategoricalColumn } from './feature-column.js';

/** How an example's several ids are combined (TF's `combiner`). */
export type Combiner = 'mean' | 'sqrtn' | 'sum';

/** Options of {@link embeddingColumn}. */
export interface EmbeddingColumnOptions {
  /** Default `'mean'` (TF's default). */
  readonly combiner?: Combiner;
  /** Default: truncated normal, stddev `1 / sqrt(dimension)` (TF's default). */
  readonly initializer?: Initializer;
  /** Train the table (default true). */
  readonly trainable?: boolean;
}

/** An embedding column. */
export interface EmbeddingColumn extends DenseColumn {
  readonly categoricalColumn: CategoricalColumn;
  readonly combiner: Combiner;
  readonly initializer: Initializer;
}

/**
 * Combines the embeddings `[batch, k, dim]` of ids `[batch, k]` (-1 absent) with weights: sum, mean (divided by the
 * weights' sum) or sqrtn (divided by the root of the squared weights' sum); an example with no ids gets zeros.
 */
export function combineEmbeddings(
  table: tf.Tensor2D,
  ids: tf.Tensor2D,
  weights: tf.Tensor2D | undefined,
  combiner: Combiner,
): tf.Tensor2D {
  return tf.tidy(() => {
    const present = tf.cast(tf.greaterEqual(ids, 0), 'float32');
    const w = weights ? tf.mul(present, weights) : present;
    const vectors = tf.gather(table, tf.maximum(ids, tf.zerosLike(ids))); // [batch, k, dim]
    const sum = tf.sum(tf.mul(vectors, tf.expandDims(w, 2)), 1) as tf.Tensor2D;
    if (combiner === 'sum') return sum;
    const norm = combiner === 'mean' ? tf.sum(w, 1, true) : tf.sqrt(tf.sum(tf.square(w), 1, true));
    // An example with no ids has sum 0 and norm 0: divide by a tiny floor instead of divNoNan, whose Equal has no
    // gradient in tfjs.
    return tf.div(sum, tf.maximum(norm, 1e-12)) as tf.Tensor2D;
  });
}

/**
 * A categorical column as a learned dense vector (TF's `tf.feature_column.embedding_column`): variable
 * `<column>_embedding/embedding_weights` of shape `[numBuckets, dimension]` in the input layer's scope.
 * @example
 *   const cityEmb = featureColumn.embeddingColumn(featureColumn.categoricalColumnWithHashBucket('city', 1000), 8);
 */
export function embeddingColumn(
  categoricalColumn: CategoricalColumn,
  dimension: number,
  options: EmbeddingColumnOptions = {},
): EmbeddingColumn {
  const api = 'featureColumn.embeddingColumn()';
  checkOptionKeys(api, options, KNOWN_OPTIONS.embeddingColumn);
  if (!isCategoricalColumn(categoricalColumn as never)) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: categoricalColumn must be a categorical column (categoricalColumnWith*, bucketizedColumn). Received ${describe(categoricalColumn)}.`,
    );
  }
  checkPositiveInt(api, 'dimension', dimension);
  const combiner = options.combiner ?? 'mean';
  if (!['mean', 'sqrtn', 'sum'].includes(combiner)) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: combiner must be 'mean', 'sqrtn' or 'sum'. Received ${describe(combiner)}.`,
    );
  }
  const initializer = options.initializer ?? initializers.truncatedNormal({ stddev: 1 / Math.sqrt(dimension) });
  return {
    categoricalColumn,
    combiner,
    initializer,
    name: `${categoricalColumn.name}_embedding`,
    dimension,
    dense(features: Features): tf.Tensor2D {
      const table = getVariable('embedding_weights', {
        shape: [categoricalColumn.numBuckets, dimension],
        initializer,
        trainable: options.trainable ?? true,
      });
      const { ids, weights } = categoricalColumn.ids(features);
      try {
        return combineEmbeddings(table as tf.Tensor2D, ids, weights, combiner);
      } finally {
        tf.dispose([ids, weights ?? []]);
      }
    },
  };
}
