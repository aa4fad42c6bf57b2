import * as tf from '@tensorflow/tfjs-core';
import { type LearningRate, numberOption, Optimizer } from '../optimizers.js';
import { SlotOptimizer, type UpdateRule } from './slot-optimizer.js';

/** Options of {@link AdagradDAOptimizer}. */
export interface AdagradDAOptions {
  readonly learningRate: LearningRate;
  /** > 0; default 0.1. */
  readonly initialGradientSquaredAccumulatorValue?: number;
  readonly l1RegularizationStrength?: number;
  readonly l2RegularizationStrength?: number;
  readonly name?: string;
}

/**
 * Adagrad Dual Averaging (TF's `tf.train.AdagradDAOptimizer`, `ApplyAdagradDA`), with `t` the global step being
 * trained (TF's `global_step + 1`; the Estimator's global step, so a resume continues exactly):
 * ```
 * gAccum += g;  gSqAccum += g²
 * var = -lr * sign(gAccum) * max(|gAccum| - l1 * t, 0) / (l2 * t * lr + sqrt(gSqAccum))
 * ```
 * Slots: `<var>/AdagradDA` (gradient sum), `<var>/AdagradDA_1` (squared-gradient sum).
 * @example
 *   const trainOp = new AdagradDAOptimizer({ learningRate: 0.1, l1RegularizationStrength: 0.01 }).minimize(loss);
 */
export class AdagradDAOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: AdagradDAOptions) {
    super(options?.learningRate, options, [
      'learningRate',
      'initialGradientSquaredAccumulatorValue',
      'l1RegularizationStrength',
      'l2RegularizationStrength',
      'name',
    ]);
    const api = 'new AdagradDAOptimizer()';
    const init = numberOption(
      api,
      'initialGradientSquaredAccumulatorValue',
      options.initialGradientSquaredAccumulatorValue,
      0.1,
      0,
      true,
    );
    const l1 = numberOption(api, 'l1RegularizationStrength', options.l1RegularizationStrength, 0, 0);
    const l2 = numberOption(api, 'l2RegularizationStrength', options.l2RegularizationStrength, 0, 0);
    this.name = options.name ?? 'AdagradDA';
    this.key = `AdagradDA(${this.name},${init},${l1},${l2})`;
    this.rule = {
      name: this.name,
      slots: [(v) => tf.zerosLike(v), (v) => tf.fill(v.shape, init)],
      apply: ({ g, slots, lr, step }) => {
        const gAccum = tf.add(slots[0]!, g);
        const gSqAccum = tf.add(slots[1]!, tf.square(g));
        const numerator = l1 > 0 ? tf.mul(tf.sign(gAccum), tf.relu(tf.sub(tf.abs(gAccum), l1 * step))) : gAccum;
        const v = tf.div(tf.mul(-lr, numerator), tf.add(l2 * step * lr, tf.sqrt(gSqAccum)));
        return { v, slots: [gAccum, gSqAccum] };
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
