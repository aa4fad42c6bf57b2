import * as tf from '@tensorflow/tfjs-core';
import { type LearningRate, numberOption, Optimizer } from '../optimizers.js';
import { SlotOptimizer, type UpdateRule } from './slot-optimizer.js';

/** Options of {@link AdamaxOptimizer} (TF's defaults). */
export interface AdamaxOptions {
  readonly learningRate?: LearningRate;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Slot suffix; default `AdaMax` as TF's `tf.contrib.opt.AdaMaxOptimizer`. */
  readonly name?: string;
}

/**
 * AdaMax (TF's `tf.contrib.opt.AdaMaxOptimizer`, `ApplyAdaMax`; defaults learningRate 0.001, beta1 0.9, beta2 0.999,
 * epsilon 1e-8): `m = beta1 m + (1 - beta1) g; v = max(beta2 v, |g|); var -= lr / (1 - beta1^t) * m / (v + epsilon)`.
 * Slots `<var>/AdaMax` (m) and `<var>/AdaMax_1` (v), and `beta1_power`, all checkpointed, so training resumes exactly.
 * @example
 *   const trainOp = new AdamaxOptimizer({ learningRate: 0.002 }).minimize(loss);
 */
export class AdamaxOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: AdamaxOptions = {}) {
    super(options?.learningRate ?? 0.001, options, ['learningRate', 'beta1', 'beta2', 'epsilon', 'name']);
    const api = 'new AdamaxOptimizer()';
    const beta1 = numberOption(api, 'beta1', options.beta1, 0.9, 0);
    const beta2 = numberOption(api, 'beta2', options.beta2, 0.999, 0);
    const epsilon = numberOption(api, 'epsilon', options.epsilon, 1e-8, 0);
    this.name = options.name ?? 'AdaMax';
    this.key = `AdaMax(${this.name},${beta1},${beta2},${epsilon})`;
    this.rule = {
      name: this.name,
      slots: [(v) => tf.zerosLike(v), (v) => tf.zerosLike(v)],
      nonSlots: { beta1_power: beta1 },
      // The step size once per step, not once per variable (same float32 operations).
      shared: ({ lr, nonSlots }) => ({ stepSize: tf.div(lr, tf.sub(1, nonSlots.beta1_power!)) }),
      apply: ({ v, g, slots, shared }) => {
        const m = tf.add(tf.mul(beta1, slots[0]!), tf.mul(1 - beta1, g));
        const u = tf.maximum(tf.mul(beta2, slots[1]!), tf.abs(g));
        return { v: tf.sub(v, tf.mul(shared.stepSize!, tf.div(m, tf.add(u, epsilon)))), slots: [m, u] };
      },
      finish: (nonSlots) => ({ beta1_power: tf.mul(nonSlots.beta1_power!, beta1) }),
    };
  }

  create(lr: number): tf.Optimizer {
    return new SlotOptimizer(this.rule, lr);
  }

  override configKey(): string {
    return this.key;
  }
}
