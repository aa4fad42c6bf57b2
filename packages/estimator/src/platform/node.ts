import { join } from 'node:path';
import { createFileWriter } from '@estimatorjs/summary/node';
import { fileStorage } from '../node/file-storage.js';
import type { Platform } from './platform.js';

/** Node: model directories and event files on the file system. Chosen by the `node` import condition. */
export const platform: Platform = {
  storageFor: (modelDir) => fileStorage(modelDir),
  summaryWriterFor: (logdir) => createFileWriter(logdir),
  joinPath: (dir, name) => join(dir, name),
};
