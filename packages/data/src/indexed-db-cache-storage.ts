/**
 * `cache(path)` in the browser: caches as chunks in IndexedDB. Each write goes to a new generation of
 * chunks; `commit()` swaps the entry to it and deletes the old generation in one transaction, so a
 * reader sees the old cache or the new one, never a mix.
 */
import { idbRequest, idbTransactionDone, indexedDbFactory, openIdb } from '@estimatorjs/io';
import type { CacheStorage, CacheWriter } from './cache-storage.js';
import { DataError } from './errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';

/** Options of {@link indexedDbCacheStorage}. */
export interface IndexedDbCacheOptions {
  /** The database name (default `estimatorjs-data-cache`). */
  readonly dbName?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`; pass `fake-indexeddb` in tests). */
  readonly indexedDB?: IDBFactory;
}

const ENTRIES = 'caches';
const CHUNKS = 'chunks';

interface Entry {
  readonly generation: string;
  readonly chunks: number;
}

/**
 * Keeps `Dataset.cache(path)` caches in IndexedDB (the default storage in browsers).
 * @example
 *   const ds = decoded.cache('mnist-train', { storage: indexedDbCacheStorage() }).repeat();
 */
export function indexedDbCacheStorage(opts: IndexedDbCacheOptions = {}): CacheStorage {
  checkOptionKeys('indexedDbCacheStorage()', opts, KNOWN_OPTIONS.indexedDbCache);
  const dbName = opts.dbName ?? 'estimatorjs-data-cache';
  let db: Promise<IDBDatabase> | null = null;
  const connect = (): Promise<IDBDatabase> => {
    if (db) return db;
    const factory = indexedDbFactory(opts.indexedDB);
    if (!factory) {
      throw new DataError(
        'UNAVAILABLE',
        "Dataset.cache(): IndexedDB is not available here. Expected a browser; in Node pass { storage: fileCacheStorage() } from '@estimatorjs/data/node'.",
      );
    }
    db = openIdb(factory, dbName, 1, (d) => {
      d.createObjectStore(ENTRIES);
      d.createObjectStore(CHUNKS);
    });
    return db;
  };
  const deleteChunks = (store: IDBObjectStore, generation: string, count: number) => {
    for (let i = 0; i < count; i++) store.delete([generation, i]);
  };
  return {
    describe: (key) => `IndexedDB '${dbName}' entry '${key}'`,
    async open(key) {
      const d = await connect();
      const tx = d.transaction(ENTRIES, 'readonly');
      const entry = (await idbRequest(tx.objectStore(ENTRIES).get(key))) as Entry | undefined;
      if (!entry) return null;
      return (async function* chunks() {
        for (let i = 0; i < entry.chunks; i++) {
          const t = d.transaction(CHUNKS, 'readonly');
          const c = (await idbRequest(t.objectStore(CHUNKS).get([entry.generation, i]))) as Uint8Array | undefined;
          if (!c) {
            throw new DataError(
              'DATA_LOSS',
              `Dataset.cache(): IndexedDB '${dbName}' entry '${key}' lost chunk ${i} of ${entry.chunks} while being read (replaced by another writer?). Expected a stable cache; iterate again.`,
            );
          }
          yield c;
        }
      })();
    },
    async create(key): Promise<CacheWriter> {
      const d = await connect();
      const generation = `${key}\u0000${Date.now()}-${Math.random().toString(36).slice(2)}`;
      let n = 0;
      return {
        async append(bytes) {
          const tx = d.transaction(CHUNKS, 'readwrite');
          tx.objectStore(CHUNKS).put(bytes, [generation, n++]);
          await idbTransactionDone(tx);
        },
        async commit() {
          const tx = d.transaction([ENTRIES, CHUNKS], 'readwrite');
          const entries = tx.objectStore(ENTRIES);
          const old = entries.get(key);
          old.onsuccess = () => {
            const prev = old.result as Entry | undefined;
            if (prev) deleteChunks(tx.objectStore(CHUNKS), prev.generation, prev.chunks);
            entries.put({ generation, chunks: n } satisfies Entry, key);
          };
          await idbTransactionDone(tx);
        },
        async abort() {
          const tx = d.transaction(CHUNKS, 'readwrite');
          deleteChunks(tx.objectStore(CHUNKS), generation, n);
          await idbTransactionDone(tx);
        },
      };
    },
  };
}
