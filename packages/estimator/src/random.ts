import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from './errors.js';
import { checkOptionKeys } from './internal/option-keys.js';
import { activeContext, deriveSeed } from './model-fn-context.js';

/** TF's `DEFAULT_GRAPH_SEED`: with an op seed but no run seed, TF still gives the same numbers on every run. */
const DEFAULT_GRAPH_SEED = 87654321;

/** Options every {@link random} function takes. */
export interface RandomOptions {
  /** TF's op seed: combined with `RunConfig.randomSeed`; optional, the run seed alone makes runs reproducible. */
  readonly seed?: number;
}

/**
 * The seed of the next random op of this model_fn call: derived from `RunConfig.randomSeed`, the global step and
 * the op's position in the call, so two runs with the same seed draw the same numbers, and a resumed run draws what
 * the uninterrupted one would have at that step. Without a run seed (and no op seed) the numbers differ per run.
 */
function opSeed(api: string, seed: number | undefined): number {
  const ctx = activeContext(api);
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: seed must be an integer. Received ${describe(seed)}.`);
  }
  const graphSeed = ctx.randomSeed ?? (seed === undefined ? undefined : DEFAULT_GRAPH_SEED);
  return deriveSeed(graphSeed, `random/${ctx.globalStep}/${ctx.randomOps++}/${seed ?? ''}`);
}

function checkShape(api: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: shape must be an array of integers >= 0. Received ${describe(shape)}.`,
    );
  }
  return shape;
}

/**
 * Random tensors inside a model_fn, seeded from `RunConfig.randomSeed` as TF's `tf.random_*` ops are from the graph
 * seed (plain `tf.randomNormal` without a seed is not reproducible). Each call is a new op: its stream depends on
 * the run seed, the global step and the call's position in the model_fn.
 * @example
 *   const noise = random.normal([128, 100]); // a GAN's latent input, reproducible with RunConfig({ randomSeed })
 */
export const random = {
  /** TF's `tf.random.normal` (mean 0, stddev 1). */
  normal(shape: readonly number[], options: RandomOptions & { mean?: number; stddev?: number } = {}): tf.Tensor {
    const api = 'random.normal()';
    checkOptionKeys(api, options, ['mean', 'stddev', 'seed']);
    const dims = checkShape(api, shape);
    return tf.randomNormal(dims, options.mean ?? 0, options.stddev ?? 1, 'float32', opSeed(api, options.seed));
  },
  /** TF's `tf.random.truncated_normal`: values beyond 2 stddev redrawn. */
  truncatedNormal(
    shape: readonly number[],
    options: RandomOptions & { mean?: number; stddev?: number } = {},
  ): tf.Tensor {
    const api = 'random.truncatedNormal()';
    checkOptionKeys(api, options, ['mean', 'stddev', 'seed']);
    const dims = checkShape(api, shape);
    return tf.truncatedNormal(dims, options.mean ?? 0, options.stddev ?? 1, 'float32', opSeed(api, options.seed));
  },
  /** TF's `tf.random.uniform`: U(minval, maxval), default U(0, 1). */
  uniform(
    shape: readonly number[],
    options: RandomOptions & { minval?: number; maxval?: number; dtype?: 'float32' | 'int32' } = {},
  ): tf.Tensor {
    const api = 'random.uniform()';
    checkOptionKeys(api, options, ['minval', 'maxval', 'dtype', 'seed']);
    const dims = checkShape(api, shape);
    const { minval = 0, maxval = 1, dtype = 'float32' } = options;
    return tf.randomUniform(dims, minval, maxval, dtype, opSeed(api, options.seed));
  },
  /**
   * A seed for a tfjs op that takes one (`tf.multinomial(logits, n, seed)`), derived like the others.
   * @example
   *   const samples = tf.multinomial(logits, 1, random.seed());
   */
  seed(options: RandomOptions = {}): number {
    checkOptionKeys('random.seed()', options, ['seed']);
    return opSeed('random.seed()', options.seed);
  },
} as const;
