import { createBrowserWriter, EventWriter, MemoryEventSink } from '@estimatorjs/summary';
import { IndexedDbStorage } from '../checkpoint/indexeddb-storage.js';
import type { ModelDirStorage } from '../checkpoint/storage.js';
import { MemoryStorage } from '../checkpoint/storage.js';
import type { Platform } from './platform.js';

const dirs = new Map<string, ModelDirStorage>();

function hasIndexedDb(): boolean {
  return (globalThis as { indexedDB?: unknown }).indexedDB != null;
}

/**
 * Browsers and other runtimes (the `default` condition of `#platform`): model directories and event files in
 * IndexedDB, so a reload resumes from the last checkpoint; in memory where IndexedDB is missing.
 */
export const platform: Platform = {
  storageFor: (modelDir) => {
    let s = dirs.get(modelDir);
    if (!s) {
      s = hasIndexedDb() ? new IndexedDbStorage(modelDir) : new MemoryStorage(modelDir);
      dirs.set(modelDir, s);
    }
    return s;
  },
  summaryWriterFor: (logdir) =>
    hasIndexedDb() ? createBrowserWriter(logdir) : new EventWriter(new MemoryEventSink(), { logdir }),
  joinPath: (dir, name) => `${dir.replace(/\/+$/, '')}/${name}`,
};
