import * as tf from '@tensorflow/tfjs-core';
import { type LearningRate, numberOption, Optimizer } from '../optimizers.js';
import { proximal, SlotOptimizer, type UpdateRule } from './slot-optimizer.js';

/** Options of {@link ProximalGradientDescentOptimizer}. */
export interface ProximalGradientDescentOptions {
  readonly learningRate: LearningRate;
  readonly l1RegularizationStrength?: number;
  readonly l2RegularizationStrength?: number;
  readonly name?: string;
}

/**
 * Proximal gradient descent (TF's `tf.train.ProximalGradientDescentOptimizer`, `ApplyProximalGradientDescent`):
 * `prox = var - lr * g; var = sign(prox) * max(|prox| - lr * l1, 0) / (1 + lr * l2)`. No slots.
 * @example
 *   const trainOp = new ProximalGradientDescentOptimizer({ learningRate: 0.1, l1RegularizationStrength: 0.01 }).minimize(loss);
 */
export class ProximalGradientDescentOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: ProximalGradientDescentOptions) {
    super(options?.learningRate, options, [
      'learningRate',
      'l1RegularizationStrength',
      'l2RegularizationStrength',
      'name',
    ]);
    const api = 'new ProximalGradientDescentOptimizer()';
    const l1 = numberOption(api, 'l1RegularizationStrength', options.l1RegularizationStrength, 0, 0);
    const l2 = numberOption(api, 'l2RegularizationStrength', options.l2RegularizationStrength, 0, 0);
    this.name = options.name ?? 'ProximalGradientDescent';
    this.key = `ProximalGradientDescent(${this.name},${l1},${l2})`;
    this.rule = {
      name: this.name,
      slots: [],
      apply: ({ v, g, lr }) => ({ v: proximal(tf.sub(v, tf.mul(lr, g)), lr, l1, l2), slots: [] }),
    };
  }

  create(lr: number): tf.Optimizer {
    return new SlotOptimizer(this.rule, lr);
  }

  override configKey(): string {
    return this.key;
  }
}

/** Options of {@link ProximalAdagradOptimizer}. */
export interface ProximalAdagradOptions extends ProximalGradientDescentOptions {
  /** > 0; default 0.1. */
  readonly initialAccumulatorValue?: number;
}

/**
 * Proximal Adagrad (TF's `tf.train.ProximalAdagradOptimizer`, `ApplyProximalAdagrad`):
 * `accum += g²; a = lr / sqrt(accum); prox = var - a * g; var = sign(prox) * max(|prox| - a * l1, 0) / (1 + a * l2)`.
 * Slot: `<var>/ProximalAdagrad` (the accumulator).
 * @example
 *   const trainOp = new ProximalAdagradOptimizer({ learningRate: 0.1, l2RegularizationStrength: 0.01 }).minimize(loss);
 */
export class ProximalAdagradOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: ProximalAdagradOptions) {
    super(options?.learningRate, options, [
      'learningRate',
      'initialAccumulatorValue',
      'l1RegularizationStrength',
      'l2RegularizationStrength',
      'name',
    ]);
    const api = 'new ProximalAdagradOptimizer()';
    const init = numberOption(api, 'initialAccumulatorValue', options.initialAccumulatorValue, 0.1, 0, true);
    const l1 = numberOption(api, 'l1RegularizationStrength', options.l1RegularizationStrength, 0, 0);
    const l2 = numberOption(api, 'l2RegularizationStrength', options.l2RegularizationStrength, 0, 0);
    this.name = options.name ?? 'ProximalAdagrad';
    this.key = `ProximalAdagrad(${this.name},${init},${l1},${l2})`;
    this.rule = {
      name: this.name,
      slots: [(v) => tf.fill(v.shape, init)],
      apply: ({ v, g, slots, lr }) => {
        const accum = tf.add(slots[0]!, tf.square(g));
        const a = tf.mul(lr, tf.rsqrt(accum));
        return { v: proximal(tf.sub(v, tf.mul(a, g)), a, l1, l2), slots: [accum] };
      },
    };
  }

  create(lr: number): tf.Optimizer {
    return new SlotOptimizer(this.rule, lr);
  }

  override configKey(): string {
    return this.key;
  }
}
