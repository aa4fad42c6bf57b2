/**
 * Element-wise and re-grouping stages: filter, flatMap, interleave, shard, enumerate, unbatch,
 * parallel map. Each owns what it pulled and has not passed on, and releases it in `finally`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../errors.js';
import { applyMap } from './basic.js';
import { materialize, SliceRow, SliceRows } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement, leaves, unflatten } from './structure.js';

type Gen = (ctx: IterContext) => AsyncIterator<unknown>;

function truthy(api: string, v: unknown): boolean {
  if (v instanceof tf.Tensor) {
    if (v.size !== 1)
      throw invalidArgument(
        `${api}: the predicate must return a boolean or a scalar tensor. Received a tensor of shape [${v.shape.join(', ')}].`,
      );
    return v.dataSync()[0] !== 0;
  }
  return Boolean(v);
}

export function filterProducer(src: Node, pred: (x: unknown) => unknown): Gen {
  const api = 'Dataset.filter()';
  return async function* filter(ctx) {
    const it = src._iterate(ctx);
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        const x = materialize(r.value);
        let keep: boolean;
        try {
          let p = tf.tidy(() => {
            const out = pred(x);
            return (out instanceof tf.Tensor ? out : ({ v: out } as unknown)) as tf.TensorContainer;
          }) as unknown;
          if (!(p instanceof tf.Tensor)) p = (p as { v: unknown }).v;
          if (p && typeof (p as PromiseLike<unknown>).then === 'function') p = await p;
          keep = truthy(api, p);
          if (p instanceof tf.Tensor) p.dispose();
        } catch (e) {
          disposeElement(x);
          if (!ctx.skipError) throw e;
          ctx.skipError(e);
          continue;
        }
        if (keep) yield x;
        else disposeElement(x);
      }
    } finally {
      await it.return?.();
    }
  };
}

/** Runs `fn(x)` to get a dataset, then yields its elements; `x` is disposed once that dataset is done. */
export function flatMapProducer(src: Node, fn: (x: unknown) => Node): Gen {
  return async function* flatMap(ctx) {
    const it = src._iterate(ctx);
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        const x = materialize(r.value);
        try {
          const sub = fn(x)._iterate(ctx);
          try {
            for (;;) {
              const s = await sub.next();
              if (s.done) break;
              yield s.value;
            }
          } finally {
            await sub.return?.();
          }
        } finally {
          disposeElement(x);
        }
      }
    } finally {
      await it.return?.();
    }
  };
}

/**
 * tf.data's interleave: keep `cycleLength` sub-iterators open, take up to `blockLength` elements from
 * each in turn; an exhausted slot moves the cycle on and is refilled from the input when its turn comes.
 */
export function interleaveProducer(src: Node, fn: (x: unknown) => Node, cycleLength: number, blockLength: number): Gen {
  return async function* interleave(ctx) {
    const input = src._iterate(ctx);
    const slots: ({ it: AsyncIterator<unknown>; x: unknown } | null)[] = new Array(cycleLength).fill(null);
    let open = 0;
    let inputDone = false;
    let cycle = 0;
    let block = 0;
    const advance = () => {
      cycle = (cycle + 1) % cycleLength;
      block = 0;
    };
    const close = async (i: number) => {
      const s = slots[i];
      slots[i] = null;
      if (s) {
        open--;
        try {
          await s.it.return?.();
        } finally {
          disposeElement(s.x);
        }
      }
    };
    try {
      while (!inputDone || open > 0) {
        const slot = slots[cycle];
        if (slot) {
          const r = await slot.it.next();
          if (!r.done) {
            if (++block === blockLength) advance();
            yield r.value;
          } else {
            await close(cycle);
            advance();
          }
        } else if (!inputDone) {
          const r = await input.next();
          if (r.done) {
            inputDone = true;
            continue;
          }
          const x = materialize(r.value);
          let sub: AsyncIterator<unknown>;
          try {
            sub = fn(x)._iterate(ctx);
          } catch (e) {
            disposeElement(x);
            throw e;
          }
          slots[cycle] = { it: sub, x };
          open++;
        } else {
          advance();
        }
      }
    } finally {
      for (let i = 0; i < cycleLength; i++) await close(i);
      await input.return?.();
    }
  };
}

export function shardProducer(src: Node, numShards: number, index: number): Gen {
  return async function* shard(ctx) {
    const it = src._iterate(ctx);
    try {
      for (let i = 0; ; i++) {
        const r = await it.next();
        if (r.done) return;
        if (i % numShards === index) yield r.value;
        else disposeElement(r.value);
      }
    } finally {
      await it.return?.();
    }
  };
}

export function enumerateProducer(src: Node, start: number): Gen {
  return async function* enumerate(ctx) {
    const it = src._iterate(ctx);
    try {
      for (let i = start; ; i++) {
        const r = await it.next();
        if (r.done) return;
        yield [i, materialize(r.value)];
      }
    } finally {
      await it.return?.();
    }
  };
}

/** Splits every leaf along dim 0; batches of slice rows split into lazy rows. */
export function unbatchProducer(src: Node): Gen {
  const api = 'Dataset.unbatch()';
  return async function* unbatch(ctx) {
    const it = src._iterate(ctx);
    let pending: unknown[] = [];
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        if (r.value instanceof SliceRows) {
          for (const row of Array.from(r.value.rows)) yield new SliceRow(r.value.source, row);
          continue;
        }
        const x = materialize(r.value);
        const flat = leaves(x);
        let n = -1;
        for (const l of flat) {
          const len = l instanceof tf.Tensor ? (l.rank === 0 ? -2 : l.shape[0]!) : -2;
          if (len === -2) {
            disposeElement(x);
            throw invalidArgument(
              `${api}: every component must be a tensor of rank >= 1. Received ${l instanceof tf.Tensor ? 'a scalar' : typeof l}.`,
            );
          }
          if (n !== -1 && len !== n) {
            disposeElement(x);
            throw invalidArgument(
              `${api}: components have different sizes along dim 0 (${n} vs ${len}); expected equal batch sizes.`,
            );
          }
          n = len;
        }
        const parts = flat.map((l) => tf.unstack(l as tf.Tensor));
        disposeElement(x);
        pending = Array.from({ length: n }, (_, i) =>
          unflatten(
            x,
            parts.map((p) => p[i]),
          ),
        );
        while (pending.length > 0) yield pending.shift();
      }
    } finally {
      for (const p of pending) disposeElement(p);
      await it.return?.();
    }
  };
}

/** `map` with up to `parallel` calls of an async `fn` in flight; output in input order unless `!deterministic`. */
export function parallelMapProducer(
  src: Node,
  fn: (x: unknown) => unknown,
  parallel: number,
  deterministicOpt: boolean | undefined,
): Gen {
  return async function* parallelMap(ctx) {
    const deterministic = deterministicOpt ?? ctx.deterministic ?? true;
    const settle = async (p: Promise<unknown>): Promise<{ ok: true; y: unknown } | { ok: false }> => {
      try {
        return { ok: true, y: await p };
      } catch (e) {
        if (!ctx.skipError) throw e;
        ctx.skipError(e);
        return { ok: false };
      }
    };
    const it = src._iterate(ctx);
    type Slot = { p: Promise<unknown>; id: number };
    const inflight: Slot[] = [];
    let ids = 0;
    let inputDone = false;
    try {
      for (;;) {
        while (!inputDone && inflight.length < parallel) {
          const r = await it.next();
          if (r.done) {
            inputDone = true;
            break;
          }
          const id = ids++;
          const p = applyMap(fn, r.value);
          p.catch(() => undefined);
          inflight.push({ p, id });
        }
        if (inflight.length === 0) return;
        let got: { ok: true; y: unknown } | { ok: false };
        if (deterministic) {
          got = await settle(inflight.shift()!.p);
        } else {
          const winner = await Promise.race(
            inflight.map((s) =>
              s.p.then(
                () => s,
                () => s,
              ),
            ),
          );
          inflight.splice(inflight.indexOf(winner), 1);
          got = await settle(winner.p);
        }
        if (got.ok) yield got.y;
      }
    } finally {
      for (const s of inflight) {
        try {
          disposeElement(await s.p);
        } catch {
          // nobody asked for this element any more
        }
      }
      await it.return?.();
    }
  };
}

/**
 * `ignoreErrors()`: the stages above drop an element whose function throws (they see `ctx.skipError`); an error
 * that ends the input itself (a corrupt file, a throwing generator) ends this dataset, as tf.data's does.
 */
export function ignoreErrorsProducer(src: Node, onError: ((e: unknown) => void) | undefined): Gen {
  const report = (e: unknown) => onError?.(e);
  return async function* ignoreErrors(ctx) {
    const it = src._iterate({ ...ctx, skipError: report });
    try {
      for (;;) {
        let r: IteratorResult<unknown>;
        try {
          r = await it.next();
        } catch (e) {
          report(e);
          return;
        }
        if (r.done) return;
        yield r.value;
      }
    } finally {
      try {
        await it.return?.();
      } catch (e) {
        report(e);
      }
    }
  };
}
