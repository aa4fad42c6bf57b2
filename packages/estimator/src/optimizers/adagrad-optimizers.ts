import * as tf from '@tensorflow/tfjs-core';
import { type LearningRate, numberOption, Optimizer } from '../optimizers.js';
import { SlotOptimizer, type UpdateRule } from './slot-optimizer.js';

/**
 * Adagrad (TF's `tf.train.AdagradOptimizer`, `ApplyAdagrad`): `accum += g²; var -= lr * g / sqrt(accum)`, with
 * `initialAccumulatorValue` (> 0, default 0.1). Exactly TF's rule (tfjs' own Adagrad adds an epsilon under the root).
 * Slot `<var>/Adagrad`; checkpoints of earlier releases (`<var>/accumulator`) still resume.
 * @example
 *   const trainOp = new AdagradOptimizer({ learningRate: 0.1, initialAccumulatorValue: 0.01 }).minimize(loss);
 */
export class AdagradOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: { learningRate: LearningRate; initialAccumulatorValue?: number; name?: string }) {
    super(options?.learningRate, options, ['learningRate', 'initialAccumulatorValue', 'name']);
    const init = numberOption(
      'new AdagradOptimizer()',
      'initialAccumulatorValue',
      options.initialAccumulatorValue,
      0.1,
      0,
      true,
    );
    this.name = options.name ?? 'Adagrad';
    this.key = `Adagrad(${this.name},${init})`;
    this.rule = {
      name: this.name,
      legacySlotSuffixes: ['accumulator'],
      slots: [(v) => tf.fill(v.shape, init)],
      apply: ({ v, g, slots, lr }) => {
        const accum = tf.add(slots[0]!, tf.square(g));
        return { v: tf.sub(v, tf.mul(lr, tf.mul(g, tf.rsqrt(accum)))), slots: [accum] };
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

/**
 * Adadelta (TF's `tf.train.AdadeltaOptimizer`, `ApplyAdadelta`; defaults learningRate 0.001, rho 0.95, epsilon 1e-8):
 * ```
 * accum = rho * accum + (1 - rho) * g²
 * update = sqrt(accumUpdate + epsilon) / sqrt(accum + epsilon) * g
 * accumUpdate = rho * accumUpdate + (1 - rho) * update²;  var -= lr * update
 * ```
 * Exactly TF's rule (tfjs' own Adadelta divides by the accumulator before this step's update). Slots
 * `<var>/Adadelta` and `<var>/Adadelta_1`; checkpoints of earlier releases (`accum_grad`, `accum_var`) still resume.
 * @example
 *   const trainOp = new AdadeltaOptimizer({ learningRate: 1, rho: 0.9 }).minimize(loss);
 */
export class AdadeltaOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: { learningRate?: LearningRate; rho?: number; epsilon?: number; name?: string } = {}) {
    super(options?.learningRate ?? 0.001, options, ['learningRate', 'rho', 'epsilon', 'name']);
    const rho = numberOption('new AdadeltaOptimizer()', 'rho', options.rho, 0.95, 0);
    const epsilon = numberOption('new AdadeltaOptimizer()', 'epsilon', options.epsilon, 1e-8, 0);
    this.name = options.name ?? 'Adadelta';
    this.key = `Adadelta(${this.name},${rho},${epsilon})`;
    this.rule = {
      name: this.name,
      legacySlotSuffixes: ['accum_grad', 'accum_var'],
      slots: [(v) => tf.zerosLike(v), (v) => tf.zerosLike(v)],
      apply: ({ v, g, slots, lr }) => {
        const accum = tf.add(tf.mul(rho, slots[0]!), tf.mul(1 - rho, tf.square(g)));
        const update = tf.mul(tf.div(tf.sqrt(tf.add(slots[1]!, epsilon)), tf.sqrt(tf.add(accum, epsilon))), g);
        const accumUpdate = tf.add(tf.mul(rho, slots[1]!), tf.mul(1 - rho, tf.square(update)));
        return { v: tf.sub(v, tf.mul(lr, update)), slots: [accum, accumUpdate] };
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
