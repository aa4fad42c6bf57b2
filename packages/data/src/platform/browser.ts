/** Browser defaults: `cache(path)` writes to IndexedDB; string sources are URLs; nothing to glob. */
import type { CacheStorage } from '../cache-storage.js';
import { DataError } from '../errors.js';
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

/** A string source in the browser is always a URL: fetched by the caller. */
export async function openLocalSource(_api: string, _src: string | URL): Promise<Blob | null> {
  return null;
}

/**
 * The browser has no file system to glob: a pattern without wildcards is returned as it is (a URL); one with
 * wildcards is an error that says to pass the list of URLs or Blobs instead.
 */
export async function matchFiles(pattern: string): Promise<string[]> {
  if (/[*?[]/.test(pattern) && !/^[a-z][a-z0-9+.-]+:/i.test(pattern)) {
    throw new DataError(
      'UNIMPLEMENTED',
      `Dataset.listFiles(): cannot glob '${pattern}' in the browser (it has no file system). Expected a list of URLs or Blobs/Files, e.g. listFiles([url1, url2]) or listFiles(input.files).`,
    );
  }
  return [pattern];
}
