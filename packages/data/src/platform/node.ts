/** Node defaults: `cache(path)` writes files. */
import type { CacheStorage } from '../cache-storage.js';
import { fileCacheStorage } from '../node/file-cache-storage.js';

let storage: CacheStorage | null = null;

/** The storage `cache(path)` uses when given none. */
export function defaultCacheStorage(): CacheStorage {
  storage ??= fileCacheStorage();
  return storage;
}
