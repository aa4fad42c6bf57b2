/**
 * One event file as LogdirIndex tracks it: its tail, and what the persistent index needs to write an entry for it
 * (which stretches of its run's series came from it, its non-scalar records, the run's plugins before it).
 * Owns: turning that into a cache entry and back. Does not own: the cache file format (index-cache.ts) or filing
 * values (LogdirIndex).
 */
import { decodeEvent, type Event, readTFRecords } from '@estimatorjs/summary';
import { EventFileTail } from '../event-file-tail.js';
import { type ScalarSeries, seriesIn, sortedAfter } from '../scalar-series.js';
import type { CachedColumns, CacheEntry } from './index-cache.js';

/** An event file of a run. */
export class TrackedFile {
  readonly tail: EventFileTail;
  /** Whether the first read of this process has started (the cache is consulted then, once). */
  started = false;
  /** Whether that first read is done. */
  indexed = false;
  /** The run's plugins before this file was read. */
  pluginsIn: [string, string][] | undefined;
  /** The plugins this file named. */
  readonly pluginsOut = new Map<string, string>();
  /** Per tag, the `[start, end)` stretches of the run's series that hold this file's points. */
  readonly ranges = new Map<string, [number, number][]>();
  /** The file's non-scalar records, framed. */
  readonly records: Uint8Array[] = [];
  /** The offset the persistent index holds for this file (0: none). */
  savedOffset = 0;

  constructor(path: string) {
    this.tail = new EventFileTail(path);
  }

  /** Notes that `series` of `tag` grew from `from` to its length with points of this file. */
  grew(tag: string, series: ScalarSeries, from: number): void {
    const to = series.length;
    if (to === from) return;
    const list = this.ranges.get(tag) ?? [];
    this.ranges.set(tag, list);
    const last = list[list.length - 1];
    if (last && last[1] === from) last[1] = to;
    else list.push([from, to]);
  }

  /** The entry describing this file as read so far, or undefined when nothing was read. */
  entry(scalars: Map<string, ScalarSeries>): CacheEntry | undefined {
    const fingerprint = this.tail.fingerprint;
    if (!fingerprint || this.tail.offset === 0) return undefined;
    const columns: CachedColumns[] = [];
    for (const [tag, ranges] of this.ranges) {
      const series = scalars.get(tag);
      if (!series) continue;
      const parts = ranges.map(([a, b]) => series.slice(a, b));
      const join = (k: 'steps' | 'walls' | 'values') =>
        parts.length === 1 ? parts[0]![k] : concat(parts.map((p) => p[k]));
      const steps = join('steps');
      const walls = join('walls');
      const sorted = {
        steps: sortedAfter(steps, Number.NEGATIVE_INFINITY),
        walls: sortedAfter(walls, Number.NEGATIVE_INFINITY),
      };
      columns.push({ tag, steps, walls, values: join('values'), sorted });
    }
    return {
      offset: this.tail.offset,
      fingerprint,
      pluginsIn: this.pluginsIn ?? [],
      pluginsOut: [...this.pluginsOut],
      columns,
      records: this.records.length === 1 ? this.records[0]! : concatBytes(this.records),
    };
  }

  /**
   * The entry's non-scalar records, decoded (every CRC checked again), or undefined when they do not decode: then
   * the entry is not used at all.
   */
  static decodeRecords(entry: CacheEntry): Event[] | undefined {
    try {
      return [...readTFRecords(entry.records)].map((r) => decodeEvent(r.data));
    } catch {
      return undefined;
    }
  }

  /** Files `entry`'s scalars into `scalars` (noting the stretches) and resumes the tail after what it read. */
  restore(entry: CacheEntry, scalars: Map<string, ScalarSeries>, plugins: Map<string, string>): void {
    for (const [tag, plugin] of entry.pluginsOut) {
      this.pluginsOut.set(tag, plugin);
      if (!plugins.has(tag)) plugins.set(tag, plugin);
    }
    for (const { tag, steps, walls, values, sorted } of entry.columns) {
      const series = seriesIn(scalars, tag);
      const from = series.length;
      series.append(steps, walls, values, sorted);
      this.grew(tag, series, from);
    }
    if (entry.records.length > 0) this.records.push(entry.records);
    this.tail.resume(entry.offset, entry.fingerprint);
    this.savedOffset = entry.offset;
  }
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
