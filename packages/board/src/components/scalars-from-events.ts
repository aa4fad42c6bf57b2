/**
 * The scalar points of event files held in memory, and of the runs a page keeps in IndexedDB: what a
 * {@link ScalarChart} draws when there is no board server (the browser example).
 */
import {
  EventFileCorruptError,
  type IndexedDbOptions,
  listIndexedDbEventFiles,
  readIndexedDbEventFile,
  scanEventScalars,
} from '@estimatorjs/summary';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { acceptsScalar, boardValue, notePlugins } from '../run-values.js';
import type { Point } from './chart-data.js';

/** Points by tag, in file order. */
export type ScalarsFromEvents = Record<string, Point[]>;

/**
 * Adds the scalars of event-file `bytes` to `into` (by tag); `plugins` remembers each tag's first plugin across
 * the files of one run. A damaged record ends the file there (what came before it is kept) and is returned.
 * @example
 *   import { readIndexedDbEventFile } from '@estimatorjs/summary';
 *   const byTag = scalarsFromEvents(await readIndexedDbEventFile('events.out.tfevents.1.host')).scalars; // { loss: [[1, 1733.2, 0.7]] }
 */
export function scalarsFromEvents(
  bytes: Uint8Array,
  into: ScalarsFromEvents = {},
  plugins = new Map<string, string>(),
): { scalars: ScalarsFromEvents; problem?: EventFileCorruptError } {
  const push = (tag: string, point: Point) => {
    const points = into[tag] ?? [];
    into[tag] = points;
    points.push(point);
  };
  try {
    scanEventScalars(
      bytes,
      {
        scalar: (tag, step, wallTime, value, plugin, tensor) => {
          if (acceptsScalar(plugins, tag, plugin, tensor)) push(tag, [step, wallTime, value]);
        },
        event: (ev) => {
          notePlugins(plugins, ev);
          for (const v of ev.summary?.value ?? []) {
            const b = boardValue(v, plugins.get(v.tag));
            if (b?.kind === 'scalar') push(v.tag, [ev.step, ev.wallTime, b.value]);
          }
        },
      },
      { onTruncated: 'stop' },
    );
  } catch (e) {
    if (e instanceof EventFileCorruptError) return { scalars: into, problem: e };
    throw e;
  }
  return { scalars: into };
}

/**
 * The scalars of every run stored in IndexedDB under `root` (by @estimatorjs/summary's IndexedDbEventSink): run
 * `.` is `root` itself, `eval` is `root/eval`, and so on, as the board names the directories of a logdir.
 * @example
 *   const runs = await readIndexedDbRuns('mnist-browser'); // { '.': { loss: [...] }, eval: { accuracy: [...] } }
 */
export async function readIndexedDbRuns(
  root: string,
  options: IndexedDbOptions = {},
): Promise<Record<string, ScalarsFromEvents>> {
  checkOptionKeys('readIndexedDbRuns()', options, KNOWN_OPTIONS.indexedDb);
  const dir = root.replace(/\/+$/, '');
  const runs: Record<string, ScalarsFromEvents> = {};
  const plugins = new Map<string, Map<string, string>>();
  for (const f of await listIndexedDbEventFiles({ ...options, logdir: dir })) {
    const run = f.logdir === dir ? '.' : f.logdir.slice(dir.length + 1);
    runs[run] ??= {};
    if (!plugins.has(run)) plugins.set(run, new Map());
    const { problem } = scalarsFromEvents(await readIndexedDbEventFile(f.name, options), runs[run], plugins.get(run));
    if (problem) console.warn(`readIndexedDbRuns(): ${problem.message} (the rest of ${f.name} is skipped)`);
  }
  return runs;
}
