import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { type LearningRate, numberOption, Optimizer } from '../optimizers.js';
import { SlotOptimizer, type UpdateRule } from './slot-optimizer.js';

/** Options of {@link FtrlOptimizer} (TF's names and defaults). */
export interface FtrlOptions {
  readonly learningRate: LearningRate;
  /** <= 0; default -0.5. 0 gives a fixed learning rate. */
  readonly learningRatePower?: number;
  /** >= 0; default 0.1. */
  readonly initialAccumulatorValue?: number;
  readonly l1RegularizationStrength?: number;
  readonly l2RegularizationStrength?: number;
  /** L2 added to the loss (shrinks the weights), unlike the stabilizing `l2RegularizationStrength`. */
  readonly l2ShrinkageRegularizationStrength?: number;
  /** TF's optimizer name, the slot suffix (default `Ftrl`: `dense/kernel/Ftrl` and `dense/kernel/Ftrl_1`). */
  readonly name?: string;
}

/**
 * FTRL-Proximal (TF's `tf.train.FtrlOptimizer`, the `ApplyFtrlV2` update):
 * ```
 * g' = g + 2 * l2Shrinkage * var;  accumNew = accum + g²
 * linear += g' - (accumNew^(-p) - accum^(-p)) / lr * var
 * quadratic = accumNew^(-p) / lr + 2 * l2
 * var = |linear| > l1 ? (sign(linear) * l1 - linear) / quadratic : 0;  accum = accumNew
 * ```
 * with `p = learningRatePower`. Slots: `<var>/Ftrl` (accumulator), `<var>/Ftrl_1` (linear).
 * @example
 *   const trainOp = new FtrlOptimizer({ learningRate: 0.1, l1RegularizationStrength: 0.001 }).minimize(loss);
 */
export class FtrlOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: FtrlOptions) {
    super(options?.learningRate, options, [
      'learningRate',
      'learningRatePower',
      'initialAccumulatorValue',
      'l1RegularizationStrength',
      'l2RegularizationStrength',
      'l2ShrinkageRegularizationStrength',
      'name',
    ]);
    const api = 'new FtrlOptimizer()';
    const power = numberOption(api, 'learningRatePower', options.learningRatePower, -0.5, Number.NEGATIVE_INFINITY);
    if (power > 0) {
      throw new ModelFnError('INVALID_ARGUMENT', `${api}: learningRatePower must be a number <= 0. Received ${power}.`);
    }
    const init = numberOption(api, 'initialAccumulatorValue', options.initialAccumulatorValue, 0.1, 0);
    const l1 = numberOption(api, 'l1RegularizationStrength', options.l1RegularizationStrength, 0, 0);
    const l2 = numberOption(api, 'l2RegularizationStrength', options.l2RegularizationStrength, 0, 0);
    const shrink = numberOption(
      api,
      'l2ShrinkageRegularizationStrength',
      options.l2ShrinkageRegularizationStrength,
      0,
      0,
    );
    this.name = options.name ?? 'Ftrl';
    this.key = `Ftrl(${this.name},${power},${init},${l1},${l2},${shrink})`;
    // TF's kernel takes the square root when the power is -0.5 rather than pow(): same value, TF's rounding.
    const powNeg = (x: tf.Tensor) => (power === -0.5 ? tf.sqrt(x) : tf.pow(x, -power));
    this.rule = {
      name: this.name,
      slots: [(v) => tf.fill(v.shape, init), (v) => tf.zerosLike(v)],
      apply: ({ v, g, slots, lr }) => {
        const [accum, linear] = slots as [tf.Tensor, tf.Tensor];
        const gShrunk = shrink > 0 ? tf.add(g, tf.mul(2 * shrink, v)) : g;
        const accumNew = tf.add(accum, tf.square(g));
        const sigma = tf.div(tf.sub(powNeg(accumNew), powNeg(accum)), lr);
        const linearNew = tf.sub(tf.add(linear, gShrunk), tf.mul(sigma, v));
        const quadratic = tf.add(tf.div(powNeg(accumNew), lr), 2 * l2);
        const solved = tf.div(tf.sub(tf.mul(tf.sign(linearNew), l1), linearNew), quadratic);
        const vNew = tf.where(tf.greater(tf.abs(linearNew), l1), solved, tf.zerosLike(solved));
        return { v: vNew, slots: [accumNew, linearNew] };
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
