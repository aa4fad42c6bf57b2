/**
 * `cache()`: the first complete iteration records every element (frozen; lazy rows as they are), later
 * iterations replay the record without running the input again. A partial first pass is discarded.
 */
import { freeze, thaw } from './freeze.js';
import { LazyElement } from './lazy.js';
import type { IterContext, Node } from './node.js';

export function cacheProducer(src: Node): (ctx: IterContext) => AsyncIterator<unknown> {
  let record: unknown[] | null = null;
  return async function* cache(ctx) {
    if (record) {
      for (const f of record) yield thaw(f);
      return;
    }
    const it = src._iterate(ctx);
    const pending: unknown[] = [];
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        pending.push(r.value instanceof LazyElement ? r.value : freeze(r.value));
        yield r.value;
      }
      record = pending;
    } finally {
      await it.return?.();
    }
  };
}
