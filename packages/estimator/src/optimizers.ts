import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from './errors.js';
import { checkOptionKeys } from './internal/option-keys.js';
import {
  type ApplyGradientsOp,
  checkLoss,
  checkVarList,
  computeGradients,
  type GradAndVar,
  type MinimizeOp,
} from './optimizers/train-op.js';

export type { ApplyGradientsOp, GradAndVar, GroupOp, MinimizeOp, TrainOp } from './optimizers/train-op.js';

/** A learning rate: fixed, or a function of the global step (see `learningRateSchedules`). */
export type LearningRate = number | ((globalStep: number) => number);

/**
 * A TF-style optimizer description. The Estimator creates the real tfjs optimizer once and reuses it on every step
 * (a model_fn runs once per batch, so the object you build in it is only a description). Every constructor refuses
 * options it does not know, naming the key.
 * @example
 *   const trainOp = new AdamOptimizer({ learningRate: 0.002 }).minimize(loss);
 */
export abstract class Optimizer {
  abstract readonly name: string;
  readonly learningRate: LearningRate;

  protected constructor(learningRate: LearningRate, options?: unknown, known: readonly string[] = ['learningRate']) {
    checkOptionKeys(`new ${new.target.name}()`, options, known);
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

  /**
   * Describes minimizing `loss` over `varList` (default: every trainable variable), TF's
   * `optimizer.minimize(loss, global_step, var_list)`; the Estimator runs it and advances the global step once per step.
   * @example
   *   const trainOp = new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss, { varList: [w] });
   */
  minimize(
    loss: tf.Scalar,
    options: { varList?: readonly tf.Variable[]; clipGradientsByNorm?: number; globalStep?: boolean } = {},
  ): MinimizeOp {
    const api = `${this.name}.minimize()`;
    checkOptionKeys(api, options, ['varList', 'clipGradientsByNorm', 'globalStep']);
    checkLoss(api, loss);
    const varList = checkVarList(api, options.varList);
    if (options.clipGradientsByNorm !== undefined && !(options.clipGradientsByNorm > 0)) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `${api}: clipGradientsByNorm must be > 0. Received ${String(options.clipGradientsByNorm)}.`,
      );
    }
    return {
      kind: 'minimize',
      optimizer: this,
      loss,
      ...(varList ? { varList } : {}),
      ...(options.clipGradientsByNorm !== undefined ? { clipGradientsByNorm: options.clipGradientsByNorm } : {}),
    };
  }

  /**
   * The gradients of `loss` for `varList` (default: every trainable variable) as `[gradient, variable]` pairs, for
   * clipping or editing before {@link applyGradients} (TF's `compute_gradients`). TRAIN mode only.
   * @example
   *   const clipped = opt.computeGradients(loss).map(([g, v]) => [g && tf.clipByValue(g, -1, 1), v] as const);
   */
  computeGradients(loss: tf.Scalar, options: { varList?: readonly tf.Variable[] } = {}): GradAndVar[] {
    const api = `${this.name}.computeGradients()`;
    checkOptionKeys(api, options, ['varList']);
    return computeGradients(api, loss, options.varList);
  }

  /**
   * Describes applying `gradsAndVars` (TF's `apply_gradients`); pairs with a null gradient are skipped, as in TF.
   * `globalStep` is accepted for TF-shaped code: the Estimator advances the global step once per step either way.
   * @example
   *   const trainOp = opt.applyGradients(clipped, { globalStep: true });
   */
  applyGradients(gradsAndVars: readonly GradAndVar[], options: { globalStep?: boolean } = {}): ApplyGradientsOp {
    const api = `${this.name}.applyGradients()`;
    checkOptionKeys(api, options, ['globalStep']);
    const ok =
      Array.isArray(gradsAndVars) &&
      gradsAndVars.every(
        (p) =>
          Array.isArray(p) &&
          p.length === 2 &&
          (p[0] === null || (typeof p[0] === 'object' && 'shape' in p[0])) &&
          p[1] instanceof tf.Variable,
      );
    if (!ok) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `${api}: gradsAndVars must be an array of [gradient | null, variable] pairs (as computeGradients() returns). Received ${describe(gradsAndVars)}.`,
      );
    }
    if (!gradsAndVars.some(([g]) => g !== null)) {
      throw new ModelFnError(
        'NO_GRADIENTS',
        `${api}: no gradients provided for any variable (${gradsAndVars.map(([, v]) => v.name).join(', ')}).`,
      );
    }
    for (const [g, v] of gradsAndVars) {
      if (g && !(g.shape.length === v.shape.length && g.shape.every((d: number, i: number) => d === v.shape[i]))) {
        throw new ModelFnError(
          'SHAPE_MISMATCH',
          `${api}: the gradient for ${v.name} has shape [${g.shape}] but the variable has [${v.shape}].`,
        );
      }
    }
    return { kind: 'applyGradients', optimizer: this, gradsAndVars };
  }
}

/** Checks a numeric option: finite and within [min, ∞) (or (min, ∞) when `exclusive`). */
export function numberOption(
  api: string,
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  exclusive = false,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || (exclusive ? value <= min : value < min)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: ${name} must be a number ${exclusive ? '>' : '>='} ${min}. Received ${describe(value)}.`,
    );
  }
  return value;
}

/**
 * Plain SGD (TF's `GradientDescentOptimizer`).
 * @example
 *   const trainOp = new GradientDescentOptimizer({ learningRate: 0.01 }).minimize(loss);
 */
export class GradientDescentOptimizer extends Optimizer {
  readonly name = 'GradientDescent';
  constructor(options: { learningRate: LearningRate }) {
    super(options?.learningRate, options);
  }
  create(lr: number): tf.Optimizer {
    return tf.train.sgd(lr);
  }
}

/** The learning rate at `globalStep`. */
export function learningRateAt(lr: LearningRate, globalStep: number): number {
  return typeof lr === 'number' ? lr : lr(globalStep);
}
