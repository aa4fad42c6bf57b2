import { EventWriter, MemoryEventSink } from '@estimatorjs/summary';
import type { ModelDirStorage } from '../checkpoint/storage.js';
import { MemoryStorage } from '../checkpoint/storage.js';
import type { Platform } from './platform.js';

const dirs = new Map<string, ModelDirStorage>();

/** Browsers and other runtimes: model directories in memory unless `RunConfig.storage` says otherwise. */
export const platform: Platform = {
  storageFor: (modelDir) => {
    let s = dirs.get(modelDir);
    if (!s) {
      s = new MemoryStorage(modelDir);
      dirs.set(modelDir, s);
    }
    return s;
  },
  summaryWriterFor: (logdir) => new EventWriter(new MemoryEventSink(), { logdir }),
  joinPath: (dir, name) => `${dir.replace(/\/+$/, '')}/${name}`,
};
