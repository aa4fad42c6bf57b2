import { randomBytes } from 'node:crypto';
import { constants, realpathSync, type Stats } from 'node:fs';
import { type FileHandle, lstat, mkdir, open, readdir, readlink, rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { SummaryWriter } from '@estimatorjs/summary';
import { createFileWriter } from '@estimatorjs/summary/node';
import { checkFileName, type ModelDirStorage, type ReadOptions, tooLargeError } from '../checkpoint/storage.js';
import { CheckpointError } from '../errors.js';
import { acquireTrainerLock, isAlive } from './trainer-lock.js';

/**
 * A model directory on the file system. Writes go to a temporary file beside the target, are flushed to disk,
 * then renamed over it, so a crash never leaves a half-written file under the real name.
 * @example
 *   const storage = fileStorage('./mnist_training');
 */
export function fileStorage(dir: string): ModelDirStorage {
  return new FileStorage(dir);
}

class FileStorage implements ModelDirStorage {
  readonly location: string;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.location = dir;
  }

  async read(name: string, options: ReadOptions = {}): Promise<Uint8Array | null> {
    checkFileName('fileStorage.read()', name);
    const where = join(this.location, name);
    let fh: FileHandle;
    try {
      // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below like any non-regular file.
      fh = await open(join(this.dir, name), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw ioError('read', where, e);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) {
        throw new CheckpointError(
          'NOT_A_FILE',
          `fileStorage.read(): ${where} is ${kindOf(st)}, not a regular file; a model directory holds only regular files (a symlink to a device or pipe is refused too).`,
        );
      }
      const max = options.maxBytes ?? Number.POSITIVE_INFINITY;
      if (st.size > max) throw tooLargeError(where, st.size, max);
      // Read at most max + 1 bytes whatever stat said, in case the file grows while we read.
      const limit = Math.min(max, Number.MAX_SAFE_INTEGER - 1) + 1;
      const chunks: Uint8Array[] = [];
      let total = 0;
      for (;;) {
        const want = Math.min(Math.max(st.size - total, 0) + 65536, limit - total);
        if (want <= 0) break;
        const buf = new Uint8Array(want);
        const { bytesRead } = await fh.read(buf, 0, want, null);
        if (bytesRead === 0) break;
        chunks.push(buf.subarray(0, bytesRead));
        total += bytesRead;
      }
      if (total > max) throw tooLargeError(where, `more than ${max}`, max);
      return concat(chunks, total);
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw ioError('read', where, e);
    } finally {
      await fh.close();
    }
  }

  async writeAtomic(name: string, data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await this.writeAside('fileStorage.writeAtomic()', name, once(bytes));
  }

  async writeAtomicFrom(name: string, pieces: AsyncIterable<Uint8Array>): Promise<void> {
    await this.writeAside('fileStorage.writeAtomicFrom()', name, pieces);
  }

  /**
   * Writes the pieces to a temporary file beside `name`, flushes it to disk and renames it over `name`. A file
   * system error becomes a CheckpointError naming the file; an error of `pieces` itself passes through unchanged.
   * Either way the temporary file is removed.
   */
  private async writeAside(api: string, name: string, pieces: AsyncIterable<Uint8Array>): Promise<void> {
    checkFileName(api, name);
    const target = join(this.dir, name);
    await this.refuseOutsideLink(api, target);
    const tmp = join(this.dir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    const where = join(this.location, name);
    const fs = async <T>(op: () => Promise<T>): Promise<T> => {
      try {
        return await op();
      } catch (e) {
        throw ioError('write', where, e);
      }
    };
    let fh: FileHandle | null = null;
    try {
      await fs(() => mkdir(this.dir, { recursive: true }));
      fh = await fs(() => open(tmp, 'w'));
      for await (const piece of pieces) await fs(() => writeAll(fh!, piece));
      await fs(() => fh!.sync());
      await fs(() => fh!.close());
      fh = null;
      await fs(() => rename(tmp, target));
    } catch (e) {
      await fh?.close().catch(() => {});
      await rm(tmp, { force: true }).catch(() => {});
      throw e;
    }
  }

  async list(): Promise<string[]> {
    try {
      const names = await readdir(this.dir);
      const files: string[] = [];
      for (const n of names) if (!n.startsWith('.') && (await stat(join(this.dir, n))).isFile()) files.push(n);
      return files.sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw ioError('list', this.location, e);
    }
  }

  lockForTraining(api: string): Promise<() => Promise<void>> {
    return acquireTrainerLock(api, this.dir, this.location);
  }

  summaryWriterFor(logdir: string): SummaryWriter {
    // Event files go under the model directory (itself, or eval/): a symlinked eval/ pointing elsewhere is refused.
    const inside = realOrNull(this.dir);
    const target = realOrNull(logdir);
    if (inside !== null && target !== null && !isWithin(target, inside)) {
      throw new CheckpointError(
        'UNSAFE_PATH',
        `fileStorage.summaryWriterFor(): ${logdir} resolves to ${target}, outside the model directory ${inside}; event files are not written through symlinks that leave it. Remove the link or use another modelDir.`,
      );
    }
    return createFileWriter(logdir);
  }

  /** Refuses to write through a symlink in the model directory that points outside it. */
  private async refuseOutsideLink(api: string, path: string): Promise<void> {
    let isLink = false;
    try {
      isLink = (await lstat(path)).isSymbolicLink();
    } catch {
      return;
    }
    if (!isLink) return;
    const inside = realOrNull(this.dir);
    const target: string = realOrNull(path) ?? resolve(this.dir, await readlink(path, 'utf8'));
    if (inside === null || !isWithin(target, inside)) {
      throw new CheckpointError(
        'UNSAFE_PATH',
        `${api}: ${path} is a symlink to ${target}, outside the model directory; model directory files are never written through such links. Remove the link.`,
      );
    }
  }

  isSameDirectory(dir: string): boolean {
    if (resolve(dir) === this.dir) return true;
    // The same directory spelled through a symlink (TF writes the path it was given, e.g. /data/run → /mnt/x/run).
    try {
      return realpathSync(dir) === realpathSync(this.dir);
    } catch {
      return false;
    }
  }

  /** Deletes `.<name>.tmp-<pid>-<hex>` files whose writer process no longer exists (killed mid-write). */
  async sweep(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return;
    }
    for (const n of names) {
      const m = /^\..+\.tmp-(\d+)-[0-9a-f]+$/.exec(n);
      if (m && !isAlive(Number(m[1]))) await rm(join(this.dir, n), { force: true });
    }
  }

  async remove(name: string): Promise<void> {
    checkFileName('fileStorage.remove()', name);
    await rm(join(this.dir, name), { force: true });
  }
}

function realOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a directory';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Writes all of `bytes` at the file position (a write may take fewer bytes than it was given). */
async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length; ) {
    const { bytesWritten } = await fh.write(bytes, at, bytes.length - at, null);
    at += bytesWritten;
  }
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function ioError(op: string, path: string, e: unknown): CheckpointError {
  const err = e as NodeJS.ErrnoException;
  const hint = err.code === 'ENOSPC' ? ' (the disk is full)' : err.code === 'EACCES' ? ' (permission denied)' : '';
  return new CheckpointError('STORAGE_IO', `Could not ${op} ${path}${hint}: ${err.message}`, { cause: e });
}
