/** Browser defaults: `cache(path)` writes to IndexedDB. */
import type { CacheStorage } from '../cache-storage.js';
import { indexedDbCacheStorage } from '../indexed-db-cache-storage.js';

let storage: CacheStorage | null = null;

/** The storage `cache(path)` uses when given none. */
export function defaultCacheStorage(): CacheStorage {
  storage ??= indexedDbCacheStorage();
  return storage;
}

/** A typed array of `n` elements whose contents are unspecified (the caller overwrites every element). */
export function allocUninitialized<A extends ArrayBufferView>(
  ctor: new (buffer: ArrayBuffer, byteOffset: number, length: number) => A,
  bytesPerElement: number,
  n: number,
): A {
  return new ctor(new ArrayBuffer(n * bytesPerElement), 0, n);
}
