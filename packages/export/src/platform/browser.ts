import { ExportError } from '@estimatorjs/estimator';
import type { ExportFileSystem } from './platform.js';

const refuse = (): never => {
  throw new ExportError(
    'EXPORT_NEEDS_NODE',
    'exportSavedModel(): writing an export directory needs Node. In a browser, call writeGraphModel(await estimator.traceForExport(receiverFn)) and save the artifacts (e.g. with tf.io.browserDownloads).',
  );
};

/** Browsers have no export directories: every operation explains what to do instead. */
export const fileSystem: ExportFileSystem = {
  mkdirs: async () => refuse(),
  writeFile: async () => refuse(),
  renameDir: async () => refuse(),
  exists: async () => refuse(),
  remove: async () => refuse(),
  list: async () => refuse(),
  join: (...parts) => parts.join('/'),
};
