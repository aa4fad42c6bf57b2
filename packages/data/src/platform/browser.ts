/** Browser defaults: `cache(path)` writes to IndexedDB. */
import type { CacheStorage } from '../cache-storage.js';
import { indexedDbCacheStorage } from '../indexed-db-cache-storage.js';

let storage: CacheStorage | null = null;

/** The storage `cache(path)` uses when given none. */
export function defaultCacheStorage(): CacheStorage {
  storage ??= indexedDbCacheStorage();
  return storage;
}
