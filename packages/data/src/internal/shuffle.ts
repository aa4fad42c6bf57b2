/**
 * `shuffle(bufferSize)`: tf.data's buffer shuffle. Fill a buffer of `bufferSize` elements, then repeatedly
 * emit a uniformly chosen buffered element and replace it with the next input element; once the input
 * is exhausted, drain the buffer in random order. Seeded runs are reproducible; with
 * `reshuffleEachIteration` every iteration (epoch, and every new iterator) draws a different order.
 */

import { type IterContext, type Node, nextCount } from './node.js';
import { mixSeed, mulberry32 } from './random.js';
import { disposeElement } from './structure.js';

/** Shuffle options after validation. */
export interface ShuffleConfig {
  readonly bufferSize: number;
  readonly seed: number;
  readonly reshuffleEachIteration: boolean;
}

/** The producer of a shuffle stage over `src`. */
export function shuffleProducer(src: Node, cfg: ShuffleConfig): (ctx: IterContext) => AsyncIterator<unknown> {
  const key = {};
  return async function* shuffle(ctx: IterContext) {
    const epoch = nextCount(ctx, key);
    const rand = mulberry32(cfg.reshuffleEachIteration ? mixSeed(cfg.seed, ctx.serial, epoch) : mixSeed(cfg.seed));
    const it = src._iterate(ctx);
    const buf: unknown[] = [];
    try {
      let exhausted = false;
      while (buf.length < cfg.bufferSize) {
        const r = await it.next();
        if (r.done) {
          exhausted = true;
          break;
        }
        buf.push(r.value);
      }
      while (buf.length > 0) {
        const i = Math.floor(rand() * buf.length);
        const x = buf[i];
        buf[i] = buf[buf.length - 1];
        buf.pop();
        yield x;
        if (!exhausted) {
          const r = await it.next();
          if (r.done) exhausted = true;
          else buf.push(r.value);
        }
      }
    } finally {
      for (const x of buf) disposeElement(x);
      buf.length = 0;
      await it.return?.();
    }
  };
}
