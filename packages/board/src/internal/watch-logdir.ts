/**
 * Calls `onChange` when something under the logdir may have changed: `fs.watch` (recursive) for promptness, plus
 * polling, because watch events are lost on network file systems, in some containers, and for directories that
 * appear after the watch started on platforms without recursive watching.
 */
import { type FSWatcher, watch } from 'node:fs';

/** Stops watching. */
export type StopWatching = () => void;

/** Watches `dir`; `pollMs` 0 turns polling off. */
export function watchLogdir(dir: string, pollMs: number, onChange: () => void): StopWatching {
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { recursive: true, persistent: false }, () => onChange());
    watcher.on('error', () => {
      watcher?.close();
      watcher = undefined; // polling carries on
    });
  } catch {
    watcher = undefined;
  }
  const timer = pollMs > 0 ? setInterval(onChange, pollMs) : undefined;
  timer?.unref();
  return () => {
    watcher?.close();
    if (timer) clearInterval(timer);
  };
}
