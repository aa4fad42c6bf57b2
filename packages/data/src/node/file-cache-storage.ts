import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CacheStorage, CacheWriter } from '../cache-storage.js';
import { DataError } from '../errors.js';

let seq = 0;

/**
 * Keeps `Dataset.cache(path)` caches as files: written to `<path>.tmp-<pid>-<n>` and renamed over `path`
 * when the first pass completes, so readers never see a partial file. The default storage in Node.
 * @example
 *   const ds = decoded.cache('/tmp/train.cache', { storage: fileCacheStorage() }).repeat();
 */
export function fileCacheStorage(): CacheStorage {
  return {
    describe: (path) => `file '${path}'`,
    async open(path) {
      try {
        const s = await stat(path);
        if (!s.isFile()) {
          throw new DataError(
            'INVALID_ARGUMENT',
            `Dataset.cache(): '${path}' is not a file. Expected a file path (or a path that does not exist yet).`,
          );
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      return createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>;
    },
    async create(path): Promise<CacheWriter> {
      const tmp = `${path}.tmp-${process.pid}-${seq++}`;
      try {
        await mkdir(dirname(path), { recursive: true });
      } catch (e) {
        throw new DataError(
          'UNAVAILABLE',
          `Dataset.cache(): cannot create the directory of '${path}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Expected a writable location.`,
          { cause: e },
        );
      }
      const fh = await open(tmp, 'w');
      let closed = false;
      const close = async () => {
        if (!closed) {
          closed = true;
          await fh.close();
        }
      };
      return {
        async append(bytes) {
          await fh.write(bytes);
        },
        async commit() {
          await fh.sync();
          await close();
          await rename(tmp, path);
        },
        async abort() {
          await close();
          await unlink(tmp).catch(() => undefined);
        },
      };
    },
  };
}
