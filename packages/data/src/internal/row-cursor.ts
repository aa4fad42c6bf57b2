/**
 * Row cursors: the synchronous fast path of in-memory pipelines. A dataset made by `fromTensorSlices`
 * and then only re-ordered (`shuffle`, `repeat`, `take`, `skip`, `shard`, a vectorized `map`) is a plan
 * that yields row indices one call at a time, with no promise, tensor or object per element. `batch`
 * pulls `n` indices at once and yields one lazy batch; every other consumer sees one lazy row per element
 * through a single async hop, however long the chain. Owns: the index algebra. Does not own: turning
 * rows into tensors (lazy.ts).
 *
 * Every cursor reproduces its async stage exactly: the same elements, the same order, the same draws of
 * the shuffle PRNG, the same per-iteration counters.
 */

import { SliceRow, SliceRows, type SliceSource } from './lazy.js';
import { type IterContext, nextCount } from './node.js';
import { mixSeed, mulberry32 } from './random.js';
import type { ShuffleConfig } from './shuffle.js';

/** A synchronous position in a row plan: `next()` is the next row index of `source`, or -1 at the end. */
export interface RowCursor {
  readonly source: SliceSource;
  next(): number;
}

/** Makes a cursor for one iteration (the equivalent of a stage's async generator). */
export type RowPlan = (ctx: IterContext) => RowCursor;

/** The rows of `resolve(ctx)` in order. */
export function slicesPlan(resolve: (ctx: IterContext) => SliceSource): RowPlan {
  return (ctx) => {
    const source = resolve(ctx);
    const n = source.length;
    let i = 0;
    return { source, next: () => (i < n ? i++ : -1) };
  };
}

/** tf.data's buffer shuffle over row indices (the algorithm of shuffle.ts, draw for draw). */
export function shufflePlan(src: RowPlan, cfg: ShuffleConfig, key: object): RowPlan {
  return (ctx) => {
    const epoch = nextCount(ctx, key);
    const rand = mulberry32(cfg.reshuffleEachIteration ? mixSeed(cfg.seed, ctx.serial, epoch) : mixSeed(cfg.seed));
    const it = src(ctx);
    let buf: Int32Array | null = null;
    let len = 0;
    let exhausted = false;
    const fill = (): Int32Array => {
      let b: Int32Array = new Int32Array(Math.min(cfg.bufferSize, 1 << 16));
      while (len < cfg.bufferSize) {
        const r = it.next();
        if (r < 0) {
          exhausted = true;
          break;
        }
        if (len === b.length) {
          const bigger: Int32Array = new Int32Array(Math.min(cfg.bufferSize, b.length * 2));
          bigger.set(b);
          b = bigger;
        }
        b[len++] = r;
      }
      buf = b;
      return b;
    };
    return {
      source: it.source,
      next() {
        const b = buf ?? fill();
        if (len === 0) return -1;
        const i = Math.floor(rand() * len);
        const x = b[i]!;
        b[i] = b[--len]!;
        if (!exhausted) {
          const r = it.next();
          if (r < 0) exhausted = true;
          else b[len++] = r;
        }
        return x;
      },
    };
  };
}

/** `count` passes over `src` (forever for Infinity); an empty pass ends it, as in tf.data. */
export function repeatPlan(src: RowPlan, count: number): RowPlan {
  return (ctx) => {
    if (count <= 0) return { source: src(ctx).source, next: () => -1 };
    let it = src(ctx);
    let epoch = 0;
    let produced = 0;
    return {
      source: it.source,
      next() {
        for (;;) {
          const r = it.next();
          if (r >= 0) {
            produced++;
            return r;
          }
          if (produced === 0 || ++epoch >= count) {
            it = { source: it.source, next: () => -1 };
            return -1;
          }
          produced = 0;
          it = src(ctx);
        }
      },
    };
  };
}

/** The first `n` rows. */
export function takePlan(src: RowPlan, n: number): RowPlan {
  return (ctx) => {
    if (n <= 0) return { source: src(ctx).source, next: () => -1 };
    const it = src(ctx);
    let left = n;
    return { source: it.source, next: () => (left-- > 0 ? it.next() : -1) };
  };
}

/** All but the first `n` rows. */
export function skipPlan(src: RowPlan, n: number): RowPlan {
  return (ctx) => {
    const it = src(ctx);
    let skipped = false;
    return {
      source: it.source,
      next() {
        if (!skipped) {
          skipped = true;
          for (let i = 0; i < n; i++) if (it.next() < 0) return -1;
        }
        return it.next();
      },
    };
  };
}

/** Every `numShards`-th row from `index`. */
export function shardPlan(src: RowPlan, numShards: number, index: number): RowPlan {
  return (ctx) => {
    const it = src(ctx);
    let i = 0;
    return {
      source: it.source,
      next() {
        for (;;) {
          const r = it.next();
          if (r < 0) return -1;
          if (i++ % numShards === index) return r;
        }
      },
    };
  };
}

/** The rows of `src` seen through `view` (a source with pending vectorized maps). */
export function viewPlan(src: RowPlan, view: (s: SliceSource) => SliceSource): RowPlan {
  return (ctx) => {
    const it = src(ctx);
    return { source: view(it.source), next: () => it.next() };
  };
}

/** The async face of a plan: one lazy row per element, one hop per element whatever the chain length. */
export function rowsProducer(plan: RowPlan): (ctx: IterContext) => AsyncIterator<unknown> {
  return async function* rows(ctx) {
    const it = plan(ctx);
    for (let r = it.next(); r >= 0; r = it.next()) yield new SliceRow(it.source, r);
  };
}

/** `batch(n)` over a plan: `n` indices per pull, one lazy batch (one gather per leaf) per element. */
export function batchRowsProducer(
  plan: RowPlan,
  n: number,
  dropRemainder: boolean,
): (ctx: IterContext) => AsyncIterator<unknown> {
  return async function* batchRows(ctx) {
    const it = plan(ctx);
    for (;;) {
      const rows = new Int32Array(n);
      let k = 0;
      while (k < n) {
        const r = it.next();
        if (r < 0) break;
        rows[k++] = r;
      }
      if (k === 0 || (k < n && dropRemainder)) return;
      yield new SliceRows(it.source, k === n ? rows : rows.subarray(0, k));
      if (k < n) return;
    }
  };
}
