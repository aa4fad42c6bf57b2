import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from './errors.js';

/** A learning rate: fixed, or a function of the global step (see `learningRateSchedules`). */
export type LearningRate = number | ((globalStep: number) => number);

/** What `optimizer.minimize(loss)` returns; put it in `EstimatorSpec.trainOp`. */
export interface TrainOp {
  readonly kind: 'minimize';
  readonly optimizer: Optimizer;
  readonly loss: tf.Scalar;
  /** Clip the gradients' global norm to this value before applying them. */
  readonly clipGradientsByNorm?: number;
}

type Factory = (learningRate: number) => tf.Optimizer;

/**
 * A TF-style optimizer description. The Estimator creates the real tfjs optimizer once and reuses it on every step
 * (a model_fn runs once per batch, so the object you build in it is only a description).
 * @example
 *   const trainOp = new AdamOptimizer({ learningRate: 0.002 }).minimize(loss);
 */
export abstract class Optimizer {
  abstract readonly name: string;
  readonly learningRate: LearningRate;

  protected constructor(learningRate: LearningRate) {
    if (
      typeof learningRate === 'number'
        ? !(Number.isFinite(learningRate) && learningRate > 0)
        : typeof learningRate !== 'function'
    ) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `${new.target.name}: learningRate must be a number > 0 or a function of the global step. Received ${String(learningRate)}.`,
      );
    }
    this.learningRate = learningRate;
  }

  /** Creates the tfjs optimizer (called once per Estimator). */
  abstract create(learningRate: number): tf.Optimizer;

  /** A key that changes when the optimizer's configuration changes. */
  configKey(): string {
    return this.name;
  }

  /** Describes minimizing `loss` (TF's `optimizer.minimize(loss, global_step)`); the Estimator runs it. */
  minimize(loss: tf.Scalar, options: { clipGradientsByNorm?: number } = {}): TrainOp {
    if (options.clipGradientsByNorm !== undefined && !(options.clipGradientsByNorm > 0)) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `${this.name}.minimize(): clipGradientsByNorm must be > 0. Received ${String(options.clipGradientsByNorm)}.`,
      );
    }
    return { kind: 'minimize', optimizer: this, loss, ...options };
  }
}

function simple(name: string, factory: Factory) {
  return class extends Optimizer {
    readonly name = name;
    constructor(options: { learningRate: LearningRate }) {
      super(options?.learningRate);
    }
    create(lr: number): tf.Optimizer {
      return factory(lr);
    }
  };
}

/** Plain SGD (TF's `GradientDescentOptimizer`). */
export const GradientDescentOptimizer = simple('GradientDescent', (lr) => tf.train.sgd(lr));

/** Adam (TF's `AdamOptimizer`; defaults beta1 0.9, beta2 0.999, epsilon 1e-8 as in TF 1.x). */
export class AdamOptimizer extends Optimizer {
  readonly name = 'Adam';
  constructor(
    private readonly options: { learningRate?: LearningRate; beta1?: number; beta2?: number; epsilon?: number } = {},
  ) {
    super(options.learningRate ?? 0.001);
  }
  create(lr: number): tf.Optimizer {
    return tf.train.adam(lr, this.options.beta1 ?? 0.9, this.options.beta2 ?? 0.999, this.options.epsilon ?? 1e-8);
  }
}

/** Momentum SGD (TF's `MomentumOptimizer`). */
export class MomentumOptimizer extends Optimizer {
  readonly name = 'Momentum';
  constructor(private readonly options: { learningRate: LearningRate; momentum: number; useNesterov?: boolean }) {
    super(options?.learningRate);
  }
  create(lr: number): tf.Optimizer {
    return tf.train.momentum(lr, this.options.momentum, this.options.useNesterov ?? false);
  }
}

/** RMSProp (TF's `RMSPropOptimizer`; defaults decay 0.9, momentum 0, epsilon 1e-10 as in TF 1.x). */
export class RMSPropOptimizer extends Optimizer {
  readonly name = 'RMSProp';
  constructor(
    private readonly options: {
      learningRate: LearningRate;
      decay?: number;
      momentum?: number;
      epsilon?: number;
      centered?: boolean;
    },
  ) {
    super(options?.learningRate);
  }
  create(lr: number): tf.Optimizer {
    const o = this.options;
    return tf.train.rmsprop(lr, o.decay ?? 0.9, o.momentum ?? 0, o.epsilon ?? 1e-10, o.centered ?? false);
  }
}

/**
 * Adagrad (TF's `AdagradOptimizer`, initial accumulator 0.1). tfjs' Adagrad takes no epsilon and uses the backend's
 * (1e-7, but 1e-4 on webgl), so webgl's updates differ slightly from other backends'.
 */
export const AdagradOptimizer = simple('Adagrad', (lr) => tf.train.adagrad(lr, 0.1));
/** Adadelta (TF's `AdadeltaOptimizer`). */
export const AdadeltaOptimizer = simple('Adadelta', (lr) => tf.train.adadelta(lr, 0.95, 1e-8));
/** Adamax (epsilon 1e-8 given explicitly: tfjs' default is the backend's epsilon, 1e-4 on webgl). */
export const AdamaxOptimizer = simple('Adamax', (lr) => tf.train.adamax(lr, 0.9, 0.999, 1e-8));

/** The learning rate at `globalStep`. */
export function learningRateAt(lr: LearningRate, globalStep: number): number {
  return typeof lr === 'number' ? lr : lr(globalStep);
}
