/**
 * The overlapped all-reduce's side of a train step: lays the step's gradients out as one flat vector, hands each
 * gradient's values to a `GradientExchange` as soon as the backward pass made it final, and builds the averaged
 * gradients from the exchange's mean. Owns: the layout and the hand-out. Does not own: the backward pass (tfjs, with
 * releasing-gradients' hook) or the transport (the `TrainDistribute`).
 *
 * The layout is the one `allReduceMean` gets (leaf ops in order; a minimize op's variables in its varList order, an
 * applyGradients op's gradients in its order) except that it is fixed before the backward pass: a minimize variable
 * the loss does not depend on gets zeros, and, as before, no update. Every replica runs the same model_fn, so every
 * replica has the same layout, and the mean of each value is the same float operations as in one whole vector.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { ApplyGradientsOp, MinimizeOp } from '../optimizers/train-op.js';
import type { GradientExchange } from '../train-distribute.js';
import type { FinalGradients } from './release-gradients.js';

/** The gradients one leaf op applies. */
export interface Update {
  readonly op: MinimizeOp | ApplyGradientsOp;
  readonly grads: tf.NamedTensorMap;
}

/** A step whose gradients all went to the exchange: `averaged()` awaits the mean (the caller owns its tensors). */
export interface StreamedStep {
  averaged(): Promise<Update[]>;
}

type GradientsOf = (
  op: MinimizeOp | ApplyGradientsOp,
  trainable: tf.Variable[],
  onFinal?: FinalGradients,
) => tf.NamedTensorMap;

/** One variable's (or one applyGradients gradient's) place in the flat vector. */
interface Slot {
  readonly key: string;
  readonly offset: number;
  readonly shape: number[];
  readonly size: number;
  /** Set once the gradient of this slot exists (a minimize variable without one keeps zeros and gets no update). */
  present: boolean;
}

/**
 * Runs every leaf op's backward pass (inside the caller's tape and tidy) and feeds `begin`'s exchange. Synchronous:
 * by the time it returns, every value was added; the gradient tensors are left to the caller's tidy.
 */
export function streamGradients(
  ops: readonly (MinimizeOp | ApplyGradientsOp)[],
  trainable: tf.Variable[],
  begin: (numValues: number) => GradientExchange,
  gradientsOf: GradientsOf,
): StreamedStep {
  let total = 0;
  // An applyGradients op's gradients exist already (computed inside the model_fn): its layout is theirs.
  const given = ops.map((op) => (op.kind === 'applyGradients' ? gradientsOf(op, trainable) : null));
  const slotsOf = ops.map((op, i) => {
    const g = given[i];
    const entries: [string, number[]][] = g
      ? Object.entries(g).map(([k, t]) => [k, t.shape])
      : ((op as MinimizeOp).varList ?? trainable)
          .filter((v, j, all) => v.trainable && all.indexOf(v) === j)
          .map((v) => [v.name, v.shape]);
    return entries.map(([key, shape]) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const slot: Slot = { key, offset: total, shape, size, present: false };
      total += size;
      return slot;
    });
  });
  const exchange = begin(total);
  for (const [i, op] of ops.entries()) {
    const slots = new Map(slotsOf[i]!.map((s) => [s.key, s]));
    const handed = new Map<string, tf.Tensor>();
    const variables = new Set<tf.Tensor>(
      op.kind === 'minimize' ? (op.varList ?? trainable).filter((v) => slots.has(v.name)) : [],
    );
    const grads =
      given[i] ??
      gradientsOf(op, trainable, {
        y: (op as MinimizeOp).loss,
        variables,
        final: (variable, gradient) => {
          const slot = slots.get((variable as tf.Variable).name);
          if (!slot || handed.has(slot.key)) return;
          handed.set(slot.key, gradient);
          exchange.add(slot.offset, valuesOf(gradient));
        },
      });
    for (const slot of slots.values()) {
      const g = grads[slot.key];
      slot.present = g !== undefined;
      const early = handed.get(slot.key);
      if (early !== undefined) {
        // tfjs returned the tensor handed out as the variable's gradient: nothing was added to it after.
        if (early !== g) {
          throw new ModelFnError(
            'DISTRIBUTE_MISMATCH',
            `Estimator.train(): the gradient of ${slot.key} changed after the backward pass handed it to the all-reduce; please report this (tfjs ${tf.version_core}).`,
          );
        }
        continue;
      }
      exchange.add(slot.offset, g ? valuesOf(g) : new Float32Array(slot.size));
    }
  }
  return {
    async averaged() {
      const mean = await exchange.mean();
      if (mean.length !== total) {
        throw new ModelFnError(
          'DISTRIBUTE_MISMATCH',
          `Estimator.train(): the all-reduce returned ${mean.length} gradient values for ${total}; every replica must run the same model_fn.`,
        );
      }
      return ops.map((op, i) => ({
        op,
        grads: Object.fromEntries(
          slotsOf[i]!.filter((s) => s.present).map((s) => [
            s.key,
            tf.tensor(mean.subarray(s.offset, s.offset + s.size), s.shape, 'float32'),
          ]),
        ),
      }));
    },
  };
}

/** A gradient's values as float32, read synchronously (the backward pass is one synchronous call). */
function valuesOf(g: tf.Tensor): Float32Array {
  const v = g.dataSync();
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}
