/**
 * The shapes LogdirIndex answers with: points of each kind by run and tag, the scalar query, the updates it pushes,
 * its progress and its read statistics.
 */
import type { ReadProblem } from './event-file-tail.js';
import type { HistogramRows } from './run-values.js';
import type { ScalarPoint, SeriesQuery } from './scalar-series.js';

/** One histogram: `[step, wallTime (s), [[left, right, count], …]]`. */
export type HistogramPoint = readonly [step: number, wallTime: number, rows: HistogramRows];
/** One text summary: `[step, wallTime (s), text]`. */
export type TextPoint = readonly [step: number, wallTime: number, text: string];
/** One image summary (the bytes are at `/api/image?run=&tag=&index=&k=`). */
export interface ImagePoint {
  readonly step: number;
  readonly wallTime: number;
  readonly width: number;
  readonly height: number;
  /** Images at this step (`max_outputs`). */
  readonly count: number;
}

/** Points of every run: run → tag → points in file order. */
export type ByRun<P> = Record<string, Record<string, P[]>>;
/** Scalars of every run: run → tag → points in file order. */
export type ScalarsByRun = ByRun<ScalarPoint>;

/** Which scalars {@link LogdirIndex.scalars} returns: a run, a tag, an x range, downsampled or not. */
export interface ScalarQuery extends SeriesQuery {
  readonly run?: string;
  readonly tag?: string;
}

/**
 * What one refresh added (or, in a snapshot, everything): new runs, new points per run and tag, new problems.
 * Scalars that arrive by the hundred thousand (a first read, a large append) come downsampled, M4 over
 * {@link DEFAULT_SNAPSHOT_BUCKETS} buckets; the page asks `/api/scalars` for the full detail of the range it shows.
 */
export interface IndexUpdate {
  readonly runs: readonly string[];
  readonly scalars: ScalarsByRun;
  readonly histograms: ByRun<HistogramPoint>;
  readonly images: ByRun<ImagePoint>;
  readonly texts: ByRun<TextPoint>;
  readonly problems: readonly ReadProblem[];
  /** How far the reading of the logdir has come (the page shows it while the first read goes on). */
  readonly progress: IndexProgress;
}

/** How many of the event files found so far have had their first read (from the persistent index or the file). */
export interface IndexProgress {
  readonly files: number;
  readonly indexed: number;
  /** Whether the first read of the whole logdir is over (every run found at start read once). */
  readonly done: boolean;
}

/** What the index read to get where it is: event-file bytes, persistent-index bytes, entries used and refused. */
export interface IndexReadStats {
  /** Bytes read from event files (a file resumed from the persistent index: only the bytes after its entry). */
  readonly eventBytes: number;
  /** Bytes of persistent-index entries read and used. */
  readonly cacheBytes: number;
  /** Event files resumed from the persistent index. */
  readonly cacheHits: number;
  /** Entries that no longer described their event file (or were damaged), with why; those files were re-read. */
  readonly cacheDiscarded: readonly { readonly file: string; readonly reason: string }[];
  /** Entries that could not be written (the board works on without them). */
  readonly cacheWriteErrors: readonly string[];
}
