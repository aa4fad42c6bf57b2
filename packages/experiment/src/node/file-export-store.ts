import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ExportStore } from '../export-store.js';

/**
 * Exports on the file system. Each export directory is written beside its final name, then renamed into place,
 * so a reader never sees a partial export.
 * @example
 *   import { trainAndEvaluate } from '@estimatorjs/experiment';
 *   await trainAndEvaluate(estimator, trainSpec, evalSpec, { exportStore: fileExportStore });
 */
export const fileExportStore: ExportStore = {
  async writeDir(path, files) {
    const target = resolve(path);
    const parent = dirname(target);
    await mkdir(parent, { recursive: true });
    const tmp = join(parent, `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(tmp);
      for (const [name, data] of files) {
        // Serving exports nest files (graph_model/model.json).
        if (name.includes('/')) await mkdir(dirname(join(tmp, name)), { recursive: true });
        await writeFile(join(tmp, name), data);
      }
      await rm(target, { recursive: true, force: true });
      await rename(tmp, target);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true }).catch(() => {});
      throw e;
    }
  },
  async listDirs(path) {
    try {
      const entries = await readdir(resolve(path), { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => e.name)
        .sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  },
  async readFile(dir, name) {
    try {
      return new Uint8Array(await readFile(join(resolve(dir), name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  },
  async removeDir(path) {
    await rm(resolve(path), { recursive: true, force: true });
  },
};
