import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChromeTrace } from '../chrome-trace.js';

/**
 * A `write` function for {@link ProfilerHook} that stores each trace as `<dir>/timeline-<step>.json` (written aside,
 * then renamed, so a reader never sees half a file).
 * @example
 *   import { ProfilerHook } from '@estimatorjs/hooks';
 *   new ProfilerHook({ every: { steps: 500 }, write: fileTraceWriter('./mnist_training') });
 */
export function fileTraceWriter(dir: string): (fileName: string, trace: ChromeTrace) => Promise<void> {
  return async (fileName, trace) => {
    await mkdir(dir, { recursive: true });
    const target = join(dir, fileName);
    const tmp = join(dir, `.${fileName}.tmp-${process.pid}`);
    await writeFile(tmp, JSON.stringify(trace));
    await rename(tmp, target);
  };
}
