import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ExportFileSystem } from './platform.js';

async function fsyncDir(dir: string): Promise<void> {
  // Flushing a directory makes a rename durable; some file systems refuse to open directories, which is fine.
  const h = await open(dir, 'r').catch(() => null);
  if (!h) return;
  try {
    await h.sync().catch(() => {});
  } finally {
    await h.close();
  }
}

/** Node: the local file system, with fsync so a crash never leaves a renamed export with missing bytes. */
export const fileSystem: ExportFileSystem = {
  mkdirs: async (dir) => {
    await mkdir(dir, { recursive: true });
  },
  writeFile: async (path, data) => {
    await mkdir(dirname(path), { recursive: true });
    const h = await open(path, 'w');
    try {
      await h.writeFile(data);
      await h.sync();
    } finally {
      await h.close();
    }
  },
  renameDir: async (from, to) => {
    await fsyncDir(from);
    await rename(from, to);
    await fsyncDir(dirname(to));
  },
  exists: async (path) => (await stat(path).catch(() => null)) !== null,
  remove: (path) => rm(path, { recursive: true, force: true }),
  list: async (dir) => (await readdir(dir).catch(() => [])).sort(),
  join: (...parts) => join(...parts),
};
