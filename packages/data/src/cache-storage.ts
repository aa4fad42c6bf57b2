/**
 * Where `Dataset.cache(path)` keeps its bytes. Node: `fileCacheStorage()` from `@estimatorjs/data/node`
 * (the default there); browser: {@link indexedDbCacheStorage} (the default there). Implement it to keep a
 * cache anywhere else.
 */

/**
 * A cache being written; nothing is visible under its key until `commit()` (atomic: all or nothing).
 * @example
 *   const w = await storage.create('train.cache');
 *   await w.append(bytes);
 *   await w.commit(); // or w.abort() to leave the previous cache in place
 */
export interface CacheWriter {
  /** Appends bytes. */
  append(bytes: Uint8Array): Promise<void>;
  /** Makes the written bytes the cache under the key, replacing any previous one. */
  commit(): Promise<void>;
  /** Discards the written bytes; the previous cache (if any) stays. */
  abort(): Promise<void>;
}

/**
 * A store of cache byte streams by key (a path).
 * @example
 *   import { fileCacheStorage } from '@estimatorjs/data/node';
 *   const ds = raw.map(decode).cache('/tmp/train.cache', { storage: fileCacheStorage() }).repeat();
 */
export interface CacheStorage {
  /** A human-readable name for errors, e.g. `file '/tmp/x.cache'`. */
  describe(key: string): string;
  /** The stored bytes as chunks, or null when nothing is stored under `key`. */
  open(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  /** Starts writing a new cache for `key`. */
  create(key: string): Promise<CacheWriter>;
}
