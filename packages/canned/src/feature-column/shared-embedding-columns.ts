import { type Features, getVariable } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import {
  combineEmbeddings,
  type EmbeddingColumn,
  type EmbeddingColumnOptions,
  embeddingColumn,
} from './embedding-column.js';
import { type CategoricalColumn, isCategoricalColumn } from './feature-column.js';

/**
 * Embedding columns that share one table (TF's `tf.feature_column.shared_embedding_columns`), for categorical
 * columns over the same ids (e.g. the query's and the document's words). Column names are `<column>_shared_embedding`;
 * the table is `<names sorted, joined by _>_shared_embedding/embedding_weights` in the input layer's scope, as TF.
 * All columns must have the same number of buckets.
 * @example
 *   const [q, d] = featureColumn.sharedEmbeddingColumns([queryWords, docWords], 16);
 */
export function sharedEmbeddingColumns(
  categoricalColumns: readonly CategoricalColumn[],
  dimension: number,
  options: EmbeddingColumnOptions = {},
): EmbeddingColumn[] {
  const api = 'featureColumn.sharedEmbeddingColumns()';
  checkOptionKeys(api, options, KNOWN_OPTIONS.embeddingColumn);
  if (!Array.isArray(categoricalColumns) || categoricalColumns.length === 0) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: categoricalColumns must be a non-empty array. Received ${describe(categoricalColumns)}.`,
    );
  }
  for (const c of categoricalColumns) {
    if (!isCategoricalColumn(c as never)) {
      throw new CannedError('INVALID_ARGUMENT', `${api}: every column must be categorical. Received ${describe(c)}.`);
    }
    if (c.numBuckets !== categoricalColumns[0]!.numBuckets) {
      throw new CannedError(
        'INVALID_ARGUMENT',
        `${api}: all columns must have the same numBuckets; ${JSON.stringify(c.name)} has ${c.numBuckets}, ${JSON.stringify(categoricalColumns[0]!.name)} has ${categoricalColumns[0]!.numBuckets}.`,
      );
    }
  }
  const scope = `${categoricalColumns
    .map((c) => c.name)
    .sort()
    .join('_')}_shared_embedding`;
  return categoricalColumns.map((c) => {
    // Reuse embeddingColumn's checks and defaults, then read the shared table instead of a per-column one.
    const base = embeddingColumn(c, dimension, options);
    return {
      ...base,
      name: `${c.name}_shared_embedding`,
      varScopeName: scope,
      dense(features: Features): tf.Tensor2D {
        const table = getVariable('embedding_weights', {
          shape: [c.numBuckets, dimension],
          initializer: base.initializer,
          trainable: options.trainable ?? true,
        });
        const { ids, weights } = c.ids(features);
        try {
          return combineEmbeddings(table as tf.Tensor2D, ids, weights, base.combiner);
        } finally {
          tf.dispose([ids, weights ?? []]);
        }
      },
    };
  });
}
