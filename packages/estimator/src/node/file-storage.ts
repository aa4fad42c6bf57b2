import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SummaryWriter } from '@estimatorjs/summary';
import { createFileWriter } from '@estimatorjs/summary/node';
import { checkFileName, type ModelDirStorage } from '../checkpoint/storage.js';
import { CheckpointError } from '../errors.js';

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

  async read(name: string): Promise<Uint8Array | null> {
    checkFileName('fileStorage.read()', name);
    try {
      return new Uint8Array(await readFile(join(this.dir, name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw ioError('read', join(this.location, name), e);
    }
  }

  async writeAtomic(name: string, data: Uint8Array | string): Promise<void> {
    checkFileName('fileStorage.writeAtomic()', name);
    const target = join(this.dir, name);
    const tmp = join(this.dir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(this.dir, { recursive: true });
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => {});
      throw ioError('write', join(this.location, name), e);
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

  summaryWriterFor(logdir: string): SummaryWriter {
    return createFileWriter(logdir);
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

function ioError(op: string, path: string, e: unknown): CheckpointError {
  const err = e as NodeJS.ErrnoException;
  const hint = err.code === 'ENOSPC' ? ' (the disk is full)' : err.code === 'EACCES' ? ' (permission denied)' : '';
  return new CheckpointError('STORAGE_IO', `Could not ${op} ${path}${hint}: ${err.message}`, { cause: e });
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
