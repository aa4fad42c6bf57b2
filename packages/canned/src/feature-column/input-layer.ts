import { type Features, variableScope } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { type DenseColumn, type FeatureColumn, isDenseColumn } from './feature-column.js';

/** Checks a list of columns and returns them sorted by name (TF's order, so checkpoints line up). */
export function sortedColumns<C extends FeatureColumn>(api: string, columns: readonly C[]): C[] {
  if (!Array.isArray(columns) || columns.length === 0) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: featureColumns must be a non-empty array of feature columns. Received ${describe(columns)}.`,
    );
  }
  const names = new Set<string>();
  for (const c of columns) {
    if (typeof c?.name !== 'string') {
      throw new CannedError(
        'INVALID_ARGUMENT',
        `${api}: every feature column must come from featureColumn.*. Received ${describe(c)}.`,
      );
    }
    if (names.has(c.name)) {
      throw new CannedError('DUPLICATE_COLUMN', `${api}: two feature columns are named ${JSON.stringify(c.name)}.`);
    }
    names.add(c.name);
  }
  return [...columns].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The dense input of a network (TF's `tf.feature_column.input_layer`): every column's block, in name order,
 * concatenated into `[batch, Σ dimension]`. Categorical columns must be wrapped in `indicatorColumn` or
 * `embeddingColumn`. Variables (embeddings) go under `input_layer/<column>/` in the current variable scope.
 * Call it inside a model_fn.
 * @example
 *   const net = featureColumn.inputLayer(features, [age, featureColumn.indicatorColumn(color)]);
 */
export function inputLayer(features: Features, featureColumns: readonly FeatureColumn[]): tf.Tensor2D {
  const api = 'featureColumn.inputLayer()';
  const columns = sortedColumns(api, featureColumns);
  for (const c of columns) {
    if (!isDenseColumn(c)) {
      throw new CannedError(
        'NOT_A_DENSE_COLUMN',
        `${api}: column ${JSON.stringify(c.name)} is categorical; wrap it in featureColumn.indicatorColumn() or featureColumn.embeddingColumn() for a DNN.`,
      );
    }
  }
  return variableScope('input_layer', () => {
    const blocks = (columns as DenseColumn[]).map((c) =>
      variableScope(c.varScopeName ?? c.name, () => c.dense(features)),
    );
    if (blocks.length === 1) return blocks[0]!;
    const out = tf.concat(blocks, 1);
    tf.dispose(blocks);
    return out;
  });
}
