import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { type Initializer, initializers } from '../initializers.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { activeContext, uniqueLayerName } from '../model-fn-context.js';
import { getVariable, variableScope } from '../variables.js';
import { checkTensorInput } from './check-input.js';
import { type Regularizer, regularizeActivity } from './regularizers.js';

/** Options of {@link embedding}. */
export interface EmbeddingOptions {
  /** Vocabulary size: ids must be in `[0, inputDim)`. */
  readonly inputDim: number;
  /** Size of each embedding vector. */
  readonly outputDim: number;
  readonly name?: string;
  /** Default: uniform in [-0.05, 0.05] (Keras' default). */
  readonly embeddingsInitializer?: Initializer;
  /** A penalty on the embedding table added to the regularization losses. */
  readonly embeddingsRegularizer?: Regularizer;
  /** A penalty on the looked-up vectors (divided by the batch size) added to the regularization losses. */
  readonly activityRegularizer?: Regularizer;
}

/**
 * Looks up a learned vector per integer id (TF's `tf.keras.layers.Embedding` / `tf.nn.embedding_lookup` on a
 * variable): returns `ids.shape + [outputDim]`. Variable: `<name>/embeddings` of shape `[inputDim, outputDim]`.
 * Ids outside `[0, inputDim)` fail with their position (checked on the first batch of each train/evaluate call).
 * @example
 *   const vectors = layers.embedding(features.words, { inputDim: 10000, outputDim: 64, name: 'words' });
 */
export function embedding(ids: tf.Tensor, options: EmbeddingOptions): tf.Tensor {
  const api = 'embedding()';
  checkTensorInput(api, 'ids', ids);
  checkOptionKeys(api, options, [
    'inputDim',
    'outputDim',
    'name',
    'embeddingsInitializer',
    'embeddingsRegularizer',
    'activityRegularizer',
  ]);
  const ctx = activeContext(api);
  const { inputDim, outputDim } = options ?? ({} as EmbeddingOptions);
  if (!Number.isInteger(inputDim) || inputDim < 1 || !Number.isInteger(outputDim) || outputDim < 1) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: inputDim and outputDim must be integers >= 1. Received inputDim ${String(inputDim)}, outputDim ${String(outputDim)}.`,
    );
  }
  if (ctx.checkValues) {
    const values = ids.dataSync();
    const bad = values.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < inputDim));
    if (bad >= 0) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `${api}: ids must be integers in [0, ${inputDim}) (inputDim). Received ${values[bad]} at flat position ${bad}.`,
      );
    }
  }
  const name = options.name ?? uniqueLayerName(ctx, 'embedding');
  return variableScope(name, () => {
    const table = getVariable('embeddings', {
      shape: [inputDim, outputDim],
      initializer: options.embeddingsInitializer ?? initializers.randomUniform({ minval: -0.05, maxval: 0.05 }),
      regularizer: options.embeddingsRegularizer,
    });
    const flat = tf.gather(table, tf.cast(tf.reshape(ids, [-1]), 'int32'));
    const out = tf.reshape(flat, [...ids.shape, outputDim]);
    regularizeActivity(api, options.activityRegularizer, out);
    return out;
  });
}
