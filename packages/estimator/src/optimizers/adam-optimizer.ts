import { APPLY_ADAM_KERNEL } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { type LearningRate, numberOption, Optimizer } from '../optimizers.js';
import { SlotOptimizer, type UpdateRule } from './slot-optimizer.js';

const f = Math.fround;

/** Options of {@link AdamOptimizer} (TF 1.x's names and defaults). */
export interface AdamOptions {
  /** Default 0.001. */
  readonly learningRate?: LearningRate;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** TF's "epsilon hat", added to sqrt(v) after the bias correction is folded into the rate; default 1e-8. */
  readonly epsilon?: number;
  /** Slot suffix; default `Adam` (`dense/kernel/Adam`, `dense/kernel/Adam_1`). */
  readonly name?: string;
}

/**
 * Adam (TF's `tf.train.AdamOptimizer`, `ApplyAdam`), with `t` the step count:
 * ```
 * lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
 * m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g²;  var -= lr_t * m / (sqrt(v) + epsilon)
 * ```
 * TF's placement of epsilon (tfjs' own Adam adds it to the bias-corrected sqrt(v), which differs when epsilon is
 * large, e.g. the 1.0 TF suggests for Inception). Slots `<var>/Adam` (m) and `<var>/Adam_1` (v), non-slots
 * `beta1_power`, `beta2_power`; checkpoints of earlier releases (`<var>/m`, `<var>/v`, `accBeta1`) still resume.
 * On backends that register `@estimatorjs/io`'s `APPLY_ADAM_KERNEL` (cpu, wasm and native set up by
 * `@estimatorjs/backends`) each variable's update is one fused kernel, bit-identical to the elementwise ops.
 * @example
 *   const trainOp = new AdamOptimizer({ learningRate: 0.002 }).minimize(loss);
 */
export class AdamOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: AdamOptions = {}) {
    super(options?.learningRate ?? 0.001, options, ['learningRate', 'beta1', 'beta2', 'epsilon', 'name']);
    const api = 'new AdamOptimizer()';
    const beta1 = numberOption(api, 'beta1', options.beta1, 0.9, 0);
    const beta2 = numberOption(api, 'beta2', options.beta2, 0.999, 0);
    const epsilon = numberOption(api, 'epsilon', options.epsilon, 1e-8, 0);
    this.name = options.name ?? 'Adam';
    this.key = `Adam(${this.name},${beta1},${beta2},${epsilon})`;
    this.rule = {
      name: this.name,
      slots: [(v) => tf.zerosLike(v), (v) => tf.zerosLike(v)],
      legacySlotSuffixes: ['m', 'v'],
      nonSlots: { beta1_power: beta1, beta2_power: beta2 },
      legacyNonSlots: { accBeta1: 'beta1_power', accBeta2: 'beta2_power' },
      // The rate and the constants once per step (same float32 values and op order as per variable).
      shared: ({ lr, nonSlots }) => ({
        lrT: tf.div(tf.mul(lr, tf.sqrt(tf.sub(1, nonSlots.beta2_power!))), tf.sub(1, nonSlots.beta1_power!)),
        beta1: tf.scalar(beta1),
        oneMinusBeta1: tf.scalar(1 - beta1),
        beta2: tf.scalar(beta2),
        oneMinusBeta2: tf.scalar(1 - beta2),
        epsilon: tf.scalar(epsilon),
      }),
      apply: ({ v, g, slots, shared: c }) => {
        const m = tf.add(tf.mul(c.beta1!, slots[0]!), tf.mul(c.oneMinusBeta1!, g));
        const s = tf.add(tf.mul(c.beta2!, slots[1]!), tf.mul(c.oneMinusBeta2!, tf.square(g)));
        return { v: tf.sub(v, tf.mul(c.lrT!, tf.div(m, tf.add(tf.sqrt(s), c.epsilon!)))), slots: [m, s] };
      },
      finish: (nonSlots) => ({
        beta1_power: tf.mul(nonSlots.beta1_power!, beta1),
        beta2_power: tf.mul(nonSlots.beta2_power!, beta2),
      }),
      // Where the backend has it (cpu, wasm, native through @estimatorjs/backends): one kernel per variable, and the
      // rate and beta powers in float32 JavaScript arithmetic, the same operations in the same order as above.
      fused: {
        kernelName: APPLY_ADAM_KERNEL,
        inputs: ({ v, g, slots }) => ({ variable: v, m: slots[0]!, v: slots[1]!, grad: g }),
        attrs: ({ lr, nonSlots: p }) => ({
          lrT: f(f(f(lr) * f(Math.sqrt(f(1 - p.beta2_power!)))) / f(1 - p.beta1_power!)),
          beta1,
          beta2,
          epsilon,
        }),
        finish: (p) => ({ beta1_power: f(p.beta1_power! * f(beta1)), beta2_power: f(p.beta2_power! * f(beta2)) }),
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
