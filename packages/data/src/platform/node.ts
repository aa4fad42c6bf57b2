/** Node defaults: `cache(path)` writes files; a string source is a file path unless it is a URL; globs match files. */
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { CacheStorage } from '../cache-storage.js';
import { DataError } from '../errors.js';
import { fileCacheStorage } from '../node/file-cache-storage.js';

let storage: CacheStorage | null = null;

/** The storage `cache(path)` uses when given none. */
export function defaultCacheStorage(): CacheStorage {
  storage ??= fileCacheStorage();
  return storage;
}

/** A typed array of `n` elements whose contents are unspecified (the caller overwrites every element). */
export function allocUninitialized<A extends ArrayBufferView>(
  ctor: new (buffer: ArrayBuffer, byteOffset: number, length: number) => A,
  bytesPerElement: number,
  n: number,
): A {
  // an unpooled buffer of exactly n elements: skipping the zero fill saves ~30% of a batch gather
  const b = Buffer.allocUnsafeSlow(n * bytesPerElement);
  return new ctor(b.buffer as ArrayBuffer, b.byteOffset, n);
}

/**
 * A string source as Node reads it: a URL with a scheme other than `file:` is fetched (null here); anything else
 * is a path on disk, opened as a `File` named after the path.
 */
export async function openLocalSource(api: string, src: string | URL): Promise<Blob | null> {
  let path: string;
  if (src instanceof URL) {
    if (src.protocol !== 'file:') return null;
    path = fileURLToPath(src);
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(src) && !/^[a-z]:[\\/]/i.test(src)) {
    if (!src.startsWith('file:')) return null;
    path = fileURLToPath(src);
  } else path = src;
  try {
    // openAsBlob does not look at the file until it is read: stat it now for a clear NOT_FOUND
    await stat(path);
    return new File([await openAsBlob(path)], path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'NOT_FOUND' : 'UNAVAILABLE',
      `${api}: cannot read '${path}' (${code ?? (e as Error).message}). Expected an existing file (or a URL).`,
      { cause: e },
    );
  }
}

/** The files matching a glob `pattern`, sorted (TF's `tf.io.gfile.glob`). */
export { matchFiles } from '../node/match-files.js';
