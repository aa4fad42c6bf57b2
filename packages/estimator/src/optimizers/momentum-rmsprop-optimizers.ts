import { APPLY_MOMENTUM_KERNEL, APPLY_RMSPROP_KERNEL } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { type LearningRate, numberOption, Optimizer } from '../optimizers.js';
import { SlotOptimizer, type UpdateRule } from './slot-optimizer.js';

/** Options of {@link MomentumOptimizer}. */
export interface MomentumOptions {
  readonly learningRate: LearningRate;
  /** Required, e.g. 0.9. */
  readonly momentum: number;
  readonly useNesterov?: boolean;
  /** Slot suffix; default `Momentum` (`dense/kernel/Momentum`). */
  readonly name?: string;
}

/**
 * Momentum SGD (TF's `tf.train.MomentumOptimizer`, `ApplyMomentum`): `accum = momentum * accum + g`, then
 * `var -= lr * accum`, or with `useNesterov` `var -= lr * g + lr * momentum * accum`. Slot `<var>/Momentum`;
 * checkpoints of earlier releases (`<var>/momentum`) still resume. On backends that register `@estimatorjs/io`'s
 * `APPLY_MOMENTUM_KERNEL` each variable's update is one fused kernel, bit-identical to the elementwise ops.
 * @example
 *   const trainOp = new MomentumOptimizer({ learningRate: 0.01, momentum: 0.9 }).minimize(loss);
 */
export class MomentumOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: MomentumOptions) {
    super(options?.learningRate, options, ['learningRate', 'momentum', 'useNesterov', 'name']);
    if (options.momentum === undefined) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        'new MomentumOptimizer(): momentum is required (e.g. 0.9). Received undefined.',
      );
    }
    const momentum = numberOption('new MomentumOptimizer()', 'momentum', options.momentum, 0, 0);
    const nesterov = options.useNesterov ?? false;
    this.name = options.name ?? 'Momentum';
    this.key = `Momentum(${this.name},${momentum},${nesterov})`;
    this.rule = {
      name: this.name,
      slots: [(v) => tf.zerosLike(v)],
      legacySlotSuffixes: ['momentum'],
      apply: ({ v, g, slots, lr }) => {
        const accum = tf.add(tf.mul(momentum, slots[0]!), g);
        const step = nesterov ? tf.add(tf.mul(lr, g), tf.mul(lr * momentum, accum)) : tf.mul(lr, accum);
        return { v: tf.sub(v, step), slots: [accum] };
      },
      // Where the backend has it (cpu, wasm, native through @estimatorjs/backends): one kernel per variable.
      fused: {
        kernelName: APPLY_MOMENTUM_KERNEL,
        inputs: ({ v, g, slots }) => ({ variable: v, accum: slots[0]!, grad: g }),
        attrs: ({ lr }) => ({ lr, momentum, useNesterov: nesterov }),
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

/** Options of {@link RMSPropOptimizer} (TF 1.x's names and defaults). */
export interface RMSPropOptions {
  readonly learningRate: LearningRate;
  /** Default 0.9. */
  readonly decay?: number;
  /** Default 0. */
  readonly momentum?: number;
  /** Default 1e-10. */
  readonly epsilon?: number;
  /** Normalize by the centered second moment (the variance estimate); default false. */
  readonly centered?: boolean;
  /** Slot suffix; default `RMSProp`. */
  readonly name?: string;
}

/**
 * RMSProp (TF's `tf.train.RMSPropOptimizer`, `ApplyRMSProp` / `ApplyCenteredRMSProp`):
 * ```
 * ms = decay ms + (1 - decay) g²;  [centered: mg = decay mg + (1 - decay) g;  ms' = ms - mg²]
 * mom = momentum mom + lr g / sqrt(ms' + epsilon);  var -= mom
 * ```
 * with `ms` starting at **1** as in TF 1.x (tfjs' own RMSProp starts it at 0, so its first steps are far larger).
 * Slots `<var>/RMSProp` (ms), then `<var>/RMSProp_1` (mg, when centered) and the momentum; checkpoints of earlier
 * releases (`rms`, `mg`, `momentum`) still resume. On backends that register `@estimatorjs/io`'s
 * `APPLY_RMSPROP_KERNEL` each variable's update is one fused kernel, bit-identical to the elementwise ops.
 * @example
 *   const trainOp = new RMSPropOptimizer({ learningRate: 0.001, decay: 0.9 }).minimize(loss);
 */
export class RMSPropOptimizer extends Optimizer {
  readonly name: string;
  private readonly rule: UpdateRule;
  private readonly key: string;

  constructor(options: RMSPropOptions) {
    super(options?.learningRate, options, ['learningRate', 'decay', 'momentum', 'epsilon', 'centered', 'name']);
    const api = 'new RMSPropOptimizer()';
    const decay = numberOption(api, 'decay', options.decay, 0.9, 0);
    const momentum = numberOption(api, 'momentum', options.momentum, 0, 0);
    const epsilon = numberOption(api, 'epsilon', options.epsilon, 1e-10, 0);
    const centered = options.centered ?? false;
    this.name = options.name ?? 'RMSProp';
    this.key = `RMSProp(${this.name},${decay},${momentum},${epsilon},${centered})`;
    const ones = (v: tf.Variable) => tf.onesLike(v);
    const zeros = (v: tf.Variable) => tf.zerosLike(v);
    this.rule = {
      name: this.name,
      slots: centered ? [ones, zeros, zeros] : [ones, zeros],
      legacySlotSuffixes: centered ? ['rms', 'mg', 'momentum'] : ['rms', 'momentum'],
      apply: ({ v, g, slots, lr }) => {
        const ms = tf.add(tf.mul(decay, slots[0]!), tf.mul(1 - decay, tf.square(g)));
        let denominator = ms;
        let mg: tf.Tensor | null = null;
        if (centered) {
          mg = tf.add(tf.mul(decay, slots[1]!), tf.mul(1 - decay, g));
          denominator = tf.sub(ms, tf.square(mg));
        }
        const prevMom = slots[slots.length - 1]!;
        const mom = tf.add(tf.mul(momentum, prevMom), tf.div(tf.mul(lr, g), tf.sqrt(tf.add(denominator, epsilon))));
        return { v: tf.sub(v, mom), slots: mg ? [ms, mg, mom] : [ms, mom] };
      },
      // Where the backend has it: one kernel per variable, outputs [variable, ms, (mg,) mom] as the slots.
      fused: {
        kernelName: APPLY_RMSPROP_KERNEL,
        inputs: ({ v, g, slots }): tf.NamedTensorMap =>
          centered
            ? { variable: v, ms: slots[0]!, mg: slots[1]!, mom: slots[2]!, grad: g }
            : { variable: v, ms: slots[0]!, mom: slots[1]!, grad: g },
        attrs: ({ lr }) => ({ lr, decay, momentum, epsilon, centered }),
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
