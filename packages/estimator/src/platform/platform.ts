import type { SummaryWriter } from '@estimatorjs/summary';
import type { ModelDirStorage } from '../checkpoint/storage.js';

/** What differs between Node and the browser: where a model directory and its event files live. */
export interface Platform {
  storageFor(modelDir: string): ModelDirStorage;
  /** A summary writer for `logdir` (`modelDir` or `modelDir/eval`). */
  summaryWriterFor(logdir: string): SummaryWriter;
  joinPath(dir: string, name: string): string;
}
