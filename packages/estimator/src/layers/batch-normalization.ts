import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { type Initializer, initializers } from '../initializers.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { activeContext, uniqueLayerName } from '../model-fn-context.js';
import { getVariable, variableScope } from '../variables.js';
import { checkTensorInput } from './check-input.js';
import type { Regularizer } from './regularizers.js';

/** Options of {@link batchNormalization}. */
export interface BatchNormalizationOptions {
  /** The features axis, normalized per channel (default -1, the last: NHWC). */
  readonly axis?: number;
  /** Weight of the old value in the moving averages (default 0.99, as TF). */
  readonly momentum?: number;
  /** Added to the variance (default 0.001, as TF). */
  readonly epsilon?: number;
  /** Add the learned offset `beta` (default true). */
  readonly center?: boolean;
  /** Multiply by the learned `gamma` (default true). */
  readonly scale?: boolean;
  readonly name?: string;
  /** Normalize with the batch's statistics? Default: only in TRAIN mode (TF's `training=mode == TRAIN`). */
  readonly training?: boolean;
  readonly betaInitializer?: Initializer;
  readonly gammaInitializer?: Initializer;
  /** Initial `moving_mean` (default zeros). */
  readonly movingMeanInitializer?: Initializer;
  /** Initial `moving_variance` (default ones). */
  readonly movingVarianceInitializer?: Initializer;
  /** A penalty on `beta` added to the regularization losses. */
  readonly betaRegularizer?: Regularizer;
  /** A penalty on `gamma` added to the regularization losses. */
  readonly gammaRegularizer?: Regularizer;
  /** Whether `gamma` and `beta` are trained (default true); the moving statistics never are. */
  readonly trainable?: boolean;
  /** TF's choice of a fused kernel: accepted and ignored, the result is the same. */
  readonly fused?: boolean | null;
  /** Batch renormalization is not supported: `true` is refused (so are `renormClipping` and `renormMomentum`). */
  readonly renorm?: boolean;
}

/**
 * TF options this layer refuses rather than ignores, with why: accepting them silently would train a different model
 * than the TF script it was ported from.
 */
const UNSUPPORTED: Record<string, string> = {
  renormClipping: 'batch renormalization is not supported',
  renormMomentum: 'batch renormalization is not supported',
  virtualBatchSize: 'ghost batch normalization (virtual_batch_size) is not supported; split the batch yourself',
  adjustment: 'adjustment is not supported',
  betaConstraint: 'variable constraints are not supported',
  gammaConstraint: 'variable constraints are not supported',
};

const KEYS: readonly (keyof BatchNormalizationOptions)[] = [
  'axis',
  'momentum',
  'epsilon',
  'center',
  'scale',
  'name',
  'training',
  'betaInitializer',
  'gammaInitializer',
  'movingMeanInitializer',
  'movingVarianceInitializer',
  'betaRegularizer',
  'gammaRegularizer',
  'trainable',
  'fused',
  'renorm',
];

/**
 * Batch normalization (TF's `tf.layers.batch_normalization`): when training, normalizes each channel with the
 * batch's mean and variance and updates the non-trainable moving averages `<name>/moving_mean` and
 * `<name>/moving_variance` (`moving = momentum · moving + (1 − momentum) · batch`, with the biased batch variance);
 * in EVAL and PREDICT it normalizes with the moving averages. The update runs inside each training step (no
 * UPDATE_OPS to wire up) and is skipped while the Estimator builds the model before the first step. Trainable
 * variables: `<name>/gamma` and `<name>/beta`.
 * @example
 *   const h = layers.batchNormalization(layers.conv2d(x, 32, 3, { useBias: false, name: 'conv1' }), { name: 'bn1' });
 */
export function batchNormalization(inputs: tf.Tensor, options: BatchNormalizationOptions = {}): tf.Tensor {
  const api = 'batchNormalization()';
  checkTensorInput(api, 'inputs', inputs);
  const unsupported = Object.keys(options).find((k) => k in UNSUPPORTED) ?? (options.renorm ? 'renorm' : undefined);
  if (unsupported !== undefined) {
    throw new ModelFnError(
      'UNSUPPORTED_OPTION',
      `${api}: ${unsupported} is not supported: ${UNSUPPORTED[unsupported] ?? 'batch renormalization is not supported'}. Received ${unsupported}: ${String((options as Record<string, unknown>)[unsupported])}; remove it (the layer then normalizes as TF's renorm=False).`,
    );
  }
  checkOptionKeys(api, options, KEYS);
  const ctx = activeContext(api);
  const rank = inputs.rank;
  const axis = options.axis ?? -1;
  const ax = axis < 0 ? rank + axis : axis;
  if (rank < 2 || !Number.isInteger(axis) || ax < 0 || ax >= rank) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: axis must be an axis of the inputs (rank >= 2). Received axis ${String(axis)} for inputs of shape [${inputs.shape}].`,
    );
  }
  const momentum = options.momentum ?? 0.99;
  const epsilon = options.epsilon ?? 0.001;
  if (!(momentum >= 0 && momentum <= 1) || !(epsilon > 0)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: momentum must be in [0, 1] and epsilon > 0. Received momentum ${String(momentum)}, epsilon ${String(epsilon)}.`,
    );
  }
  const channels = inputs.shape[ax]!;
  const name = options.name ?? uniqueLayerName(ctx, 'batch_normalization');
  const training = options.training ?? ctx.mode === 'train';
  return variableScope(name, () => {
    const shape = [channels];
    const trainable = options.trainable ?? true;
    const gamma =
      (options.scale ?? true)
        ? getVariable('gamma', {
            shape,
            initializer: options.gammaInitializer ?? initializers.ones(),
            regularizer: options.gammaRegularizer,
            trainable,
          })
        : null;
    const beta =
      (options.center ?? true)
        ? getVariable('beta', {
            shape,
            initializer: options.betaInitializer ?? initializers.zeros(),
            regularizer: options.betaRegularizer,
            trainable,
          })
        : null;
    const movingMean = getVariable('moving_mean', {
      shape,
      initializer: options.movingMeanInitializer ?? initializers.zeros(),
      trainable: false,
    });
    const movingVariance = getVariable('moving_variance', {
      shape,
      initializer: options.movingVarianceInitializer ?? initializers.ones(),
      trainable: false,
    });
    // Per-channel parameters broadcast against the inputs: [C] for the last axis, [1, C, 1, 1] for NCHW, …
    const bshape = inputs.shape.map((d, i) => (i === ax ? d : 1));
    const b = (t: tf.Tensor) => (ax === rank - 1 ? t : tf.reshape(t, bshape));
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (training) {
      const axes = [...Array(rank).keys()].filter((i) => i !== ax);
      const moments = tf.moments(inputs, axes);
      mean = moments.mean;
      variance = moments.variance;
      if (ctx.mode === 'train' && !ctx.building) {
        // Not on the loss's path, so no gradient flows through the update.
        tf.tidy(() => {
          movingMean.assign(tf.add(tf.mul(movingMean, momentum), tf.mul(mean, 1 - momentum)));
          movingVariance.assign(tf.add(tf.mul(movingVariance, momentum), tf.mul(variance, 1 - momentum)));
        });
      }
    } else {
      mean = movingMean;
      variance = movingVariance;
    }
    let y = tf.mul(tf.sub(inputs, b(mean)), b(tf.rsqrt(tf.add(variance, epsilon))));
    if (gamma) y = tf.mul(y, b(gamma));
    if (beta) y = tf.add(y, b(beta));
    return y;
  });
}
