/**
 * Mixing several datasets into one (tf.data's directed interleave): `sampleFromDatasets` draws the next source at
 * random by weight, `chooseFromDatasets` reads it from a dataset of indices. Owns: the input iterators and the
 * draw; an exhausted input is skipped (TF 1.x, and TF 2's `stop_on_empty_dataset=False`) or ends the output.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../errors.js';
import { materialize } from './lazy.js';
import { type IterContext, type Node, nextCount } from './node.js';
import { mixSeed, mulberry32 } from './random.js';
import { disposeElement } from './structure.js';

type Gen = (ctx: IterContext) => AsyncIterator<unknown>;

/** Pulls from `inputs` by the index `pick()` gives (null: nothing left); closes every input in `finally`. */
async function* directed(
  ctx: IterContext,
  inputs: readonly Node[],
  stopOnEmpty: boolean,
  pick: (active: readonly boolean[]) => Promise<number | null>,
): AsyncGenerator<unknown> {
  const its: (AsyncIterator<unknown> | null)[] = inputs.map(() => null);
  const active = inputs.map(() => true);
  try {
    for (;;) {
      if (!active.includes(true)) return;
      const i = await pick(active);
      if (i === null) return;
      if (!active[i]) continue; // TF skips a selector value that names an exhausted input
      its[i] ??= inputs[i]!._iterate(ctx);
      const r = await its[i]!.next();
      if (!r.done) {
        yield r.value;
        continue;
      }
      if (stopOnEmpty) return;
      active[i] = false;
      await its[i]!.return?.();
      its[i] = null;
    }
  } finally {
    for (const it of its) await it?.return?.();
  }
}

/** The weighted random mix: per iteration a fresh draw sequence from `seed` (as `shuffle` reshuffles). */
export function sampleProducer(inputs: readonly Node[], weights: readonly number[], seed: number, stop: boolean): Gen {
  const key = {};
  return (ctx) => {
    const rand = mulberry32(mixSeed(seed, ctx.serial, nextCount(ctx, key)));
    return directed(ctx, inputs, stop, async (active) => {
      // renormalize over the inputs that still have elements
      let total = 0;
      for (let i = 0; i < weights.length; i++) if (active[i]) total += weights[i]!;
      if (total <= 0) return null;
      let u = rand() * total;
      for (let i = 0; i < weights.length; i++) {
        if (!active[i]) continue;
        u -= weights[i]!;
        if (u < 0) return i;
      }
      return weights.findLastIndex((w, i) => active[i] && w > 0);
    });
  };
}

/** Elements of `inputs[c]` for each `c` of `choices` (numbers or scalar int tensors in [0, inputs.length)). */
export function chooseProducer(inputs: readonly Node[], choices: Node, stop: boolean): Gen {
  const api = 'Dataset.chooseFromDatasets()';
  return async function* choose(ctx) {
    const sel = choices._iterate(ctx);
    try {
      yield* directed(ctx, inputs, stop, async () => {
        const r = await sel.next();
        if (r.done) return null;
        const c = materialize(r.value);
        let v: unknown = c;
        try {
          if (c instanceof tf.Tensor) {
            if (c.size !== 1 || c.dtype !== 'int32')
              throw invalidArgument(
                `${api}: choiceDataset must yield scalar int32 tensors or integers. Received a ${c.dtype} tensor of shape [${c.shape.join(', ')}].`,
              );
            v = (await c.data())[0];
          }
        } finally {
          disposeElement(c);
        }
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= inputs.length) {
          throw invalidArgument(
            `${api}: choiceDataset yielded ${String(v)}; expected an integer in [0, ${inputs.length}) (an index into datasets).`,
          );
        }
        return v;
      });
    } finally {
      await sel.return?.();
    }
  };
}
