/**
 * `cache(path)`: the first complete iteration writes every element to `storage` under `path` (aside,
 * then committed atomically), and every later iteration (in this process or another) reads it back
 * instead of running the input. A partial first pass (`break`, error) is discarded. Elements are
 * materialized once; the consumer gets them as before.
 */
import type { CacheStorage, CacheWriter } from '../cache-storage.js';
import { cacheHeader, cacheTrailer, decodeCache, encodeRecord } from './cache-format.js';
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement } from './structure.js';

/** Bytes gathered before one `append()` to the storage. */
const FLUSH_BYTES = 1 << 20;

export function persistentCacheProducer(
  src: Node,
  path: string,
  storage: () => CacheStorage,
): (ctx: IterContext) => AsyncIterator<unknown> {
  return async function* cacheToStorage(ctx) {
    const store = storage();
    const stored = await store.open(path);
    if (stored) {
      yield* decodeCache(stored, store.describe(path));
      return;
    }
    const it = src._iterate(ctx);
    let writer: CacheWriter | null = await store.create(path);
    let pending: Uint8Array[] = [cacheHeader()];
    let pendingBytes = 0;
    let count = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const out = new Uint8Array(pending.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of pending) {
        out.set(p, o);
        o += p.length;
      }
      pending = [];
      pendingBytes = 0;
      await writer!.append(out);
    };
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        const x = materialize(r.value);
        let rec: Uint8Array;
        try {
          rec = await encodeRecord(x);
        } catch (e) {
          disposeElement(x);
          throw e;
        }
        pending.push(rec);
        pendingBytes += rec.length;
        count++;
        if (pendingBytes >= FLUSH_BYTES) await flush();
        yield x;
      }
      pending.push(cacheTrailer(count));
      await flush();
      const w = writer;
      writer = null;
      await w.commit();
    } finally {
      if (writer) await writer.abort();
      await it.return?.();
    }
  };
}
