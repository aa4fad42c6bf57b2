/**
 * LogdirIndex: what the board knows about a logdir, kept up to date incrementally.
 * Owns: finding runs (every directory under the logdir holding event files: `.`, `eval`, `lr_0.1/eval`, …), one
 * {@link EventFileTail} per event file, the scalar series of each run and tag, the problems met, and telling
 * listeners what changed. Does not own: when to refresh (the watcher and the server decide) or HTTP.
 */
import { stat } from 'node:fs/promises';
import type { Event } from '@estimatorjs/summary';
import { DEFAULT_SNAPSHOT_BUCKETS } from './defaults.js';
import type { ReadProblem, ScanOutcome } from './event-file-tail.js';
import type {
  ByRun,
  HistogramPoint,
  ImagePoint,
  IndexProgress,
  IndexReadStats,
  IndexUpdate,
  ScalarQuery,
  ScalarsByRun,
  TextPoint,
} from './index-types.js';
import { TrackedFile } from './internal/cached-file.js';
import { findEventDirs, runName } from './internal/find-runs.js';
import { loadEntry, saveEntry } from './internal/index-cache.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { Limiter } from './internal/limiter.js';
import { ScanPool } from './internal/scan-pool.js';
import { boardValue, notePlugins } from './run-values.js';
import { type ScalarPoint, type ScalarSeries, scalarSink, seriesIn } from './scalar-series.js';

export type {
  ByRun,
  HistogramPoint,
  ImagePoint,
  IndexProgress,
  IndexReadStats,
  IndexUpdate,
  ScalarQuery,
  ScalarsByRun,
  TextPoint,
} from './index-types.js';
export type { ScalarPoint } from './scalar-series.js';

interface Run {
  readonly name: string;
  readonly files: Map<string, TrackedFile>;
  readonly scalars: Map<string, ScalarSeries>;
  readonly histograms: Map<string, HistogramPoint[]>;
  readonly images: Map<string, ImagePoint[]>;
  readonly imageBytes: Map<string, Uint8Array[][]>;
  readonly texts: Map<string, TextPoint[]>;
  /** The serialized GraphDef of the run's last graph_def event (TensorBoard shows the last one too). */
  graphDef: Uint8Array | undefined;
  /** The plugin each tag was first written with: TF 2 writes a tag's metadata on its first value only. */
  readonly plugins: Map<string, string>;
}

type Delta = Omit<IndexUpdate, 'runs' | 'problems' | 'scalars' | 'progress'>;

/** Options of {@link LogdirIndex}. */
export interface LogdirIndexOptions {
  /**
   * Worker threads that scan the first read of each event file, so the runs of a large logdir load in parallel
   * (default 0: everything on the calling thread). Call {@link LogdirIndex.close} to stop them.
   */
  readonly workers?: number;
  /**
   * Directory of the persistent index (default: none). The first read of each event file is kept there (its
   * scalar columns, other records and offset), so a later index over the same files reads only the bytes appended
   * since. Entries that no longer match their file are discarded (see {@link LogdirIndex.readStats}). Keep it
   * outside the logdir: the board never writes into the logdir.
   */
  readonly indexDir?: string;
  /**
   * Awaited before the first read of each event file (a hook for throttling or observing the order of reads; the
   * tests hold files back with it to see the page before the logdir is read).
   */
  readonly beforeRead?: (file: string) => Promise<void> | void;
}

/**
 * Index of the event files under `logdir`. Call {@link refresh} whenever something may have changed; concurrent
 * calls are coalesced into one more pass.
 * @example
 *   const index = new LogdirIndex('/tmp/model');
 *   index.onUpdate((u) => console.log(u.scalars));
 *   await index.refresh();
 *   index.scalars(); // { '.': { loss: [[1, 1733.2, 0.7], …] }, eval: { … } }
 */
export class LogdirIndex {
  readonly logdir: string;
  private readonly pool: ScanPool | undefined;
  private readonly runMap = new Map<string, Run>();
  private readonly problemList: ReadProblem[] = [];
  private readonly listeners = new Set<(u: IndexUpdate) => void>();
  private running: Promise<void> | undefined;
  private again = false;
  private readonly options: LogdirIndexOptions;
  private readonly cacheStats = {
    bytesRead: 0,
    hits: 0,
    discarded: [] as { file: string; reason: string }[],
    writeErrors: [] as string[],
  };
  private readonly saving = new Set<Promise<void>>();
  private closing = false;
  private firstPassDone = false;
  private readonly firstReads: Limiter;

  constructor(logdir: string, options: LogdirIndexOptions = {}) {
    checkOptionKeys('new LogdirIndex()', options, KNOWN_OPTIONS.logdirIndex);
    this.logdir = logdir;
    this.options = options;
    const workers = Math.floor(options.workers ?? 0);
    this.pool = workers > 0 && ScanPool.available() ? new ScanPool(workers) : undefined;
    // One first read a worker, plus one being read from disk meanwhile (two on the calling thread alone).
    this.firstReads = new Limiter(this.pool ? workers + 1 : 2);
  }

  /**
   * Stops the worker threads, if any (the index stays readable; later reads run on the calling thread), and writes
   * the persistent index entries of files that grew since their last one.
   */
  async close(): Promise<void> {
    await this.pool?.close();
    this.closedPool = true;
    this.closing = true;
    for (const run of this.runMap.values()) for (const file of run.files.values()) this.maybeSave(run, file, true);
    while (this.saving.size > 0) await Promise.all([...this.saving]);
  }

  /** How many event files are known and how many have had their first read. */
  progress(): IndexProgress {
    let files = 0;
    let indexed = 0;
    for (const run of this.runMap.values())
      for (const file of run.files.values()) {
        files += 1;
        if (file.indexed) indexed += 1;
      }
    return { files, indexed, done: this.firstPassDone };
  }

  /** What was read so far: event-file bytes and persistent-index entries (see {@link IndexReadStats}). */
  readStats(): IndexReadStats {
    let eventBytes = 0;
    for (const run of this.runMap.values()) for (const file of run.files.values()) eventBytes += file.tail.bytesRead;
    const { bytesRead, hits, discarded, writeErrors } = this.cacheStats;
    return {
      eventBytes,
      cacheBytes: bytesRead,
      cacheHits: hits,
      cacheDiscarded: [...discarded],
      cacheWriteErrors: [...writeErrors],
    };
  }
  private closedPool = false;

  /** Calls `listener` after each refresh that found something new; returns the unsubscribe function. */
  onUpdate(listener: (u: IndexUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Run names, sorted (`.` is the logdir itself). */
  runs(): string[] {
    return [...this.runMap.keys()].sort();
  }

  /**
   * The scalar points read so far: every one by default; `query` narrows to a run, a tag, an x range, and
   * downsamples (M4, `buckets` = the chart's width in pixels).
   */
  scalars(query: ScalarQuery = {}): ScalarsByRun {
    const out: ScalarsByRun = {};
    for (const run of this.runs()) {
      if (query.run !== undefined && run !== query.run) continue;
      const tags: Record<string, ScalarPoint[]> = {};
      for (const [tag, series] of this.runMap.get(run)!.scalars)
        if (query.tag === undefined || tag === query.tag) tags[tag] = series.points(query);
      out[run] = tags;
    }
    return out;
  }

  /** How many scalar points each run and tag holds (what the downsampled views stand for). */
  scalarCounts(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const run of this.runs())
      out[run] = Object.fromEntries([...this.runMap.get(run)!.scalars].map(([tag, s]) => [tag, s.length]));
    return out;
  }

  /** Every histogram read so far. */
  histograms(): ByRun<HistogramPoint> {
    return this.collect((r) => r.histograms);
  }

  /** Every image summary read so far (without the bytes; see {@link imageBytes}). */
  images(): ByRun<ImagePoint> {
    return this.collect((r) => r.images);
  }

  /** Every text summary read so far. */
  texts(): ByRun<TextPoint> {
    return this.collect((r) => r.texts);
  }

  /** The encoded bytes of image `k` of the `index`-th image summary of `run`/`tag`, or undefined. */
  imageBytes(run: string, tag: string, index: number, k: number): Uint8Array | undefined {
    return this.runMap.get(run)?.imageBytes.get(tag)?.[index]?.[k];
  }

  /** The serialized GraphDef of the last graph_def event of `run`, or undefined. */
  graphDef(run: string): Uint8Array | undefined {
    return this.runMap.get(run)?.graphDef;
  }

  /** Runs that hold a graph. */
  graphRuns(): string[] {
    return this.runs().filter((r) => this.runMap.get(r)!.graphDef !== undefined);
  }

  /** Everything read so far, as one update (what a page that just connected needs). */
  snapshot(): IndexUpdate {
    return {
      runs: this.runs(),
      scalars: this.scalars({ buckets: DEFAULT_SNAPSHOT_BUCKETS }),
      histograms: this.histograms(),
      images: this.images(),
      texts: this.texts(),
      problems: this.problems(),
      progress: this.progress(),
    };
  }

  private collect<P>(pick: (r: Run) => Map<string, P[]>): ByRun<P> {
    const out: ByRun<P> = {};
    for (const run of this.runs()) {
      const tags: Record<string, P[]> = {};
      for (const [tag, points] of pick(this.runMap.get(run)!)) tags[tag] = [...points];
      out[run] = tags;
    }
    return out;
  }

  /** Tags of each run (scalar tags, sorted). */
  tags(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const run of this.runs()) out[run] = [...this.runMap.get(run)!.scalars.keys()].sort();
    return out;
  }

  /** Damaged event files met so far (each reported once). */
  problems(): readonly ReadProblem[] {
    return [...this.problemList];
  }

  /** Finds new runs and files and reads what was appended; resolves when the index reflects the disk as of now. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async pass(): Promise<void> {
    const newRuns: string[] = [];
    for (const [dir, files] of await findEventDirs(this.logdir)) {
      const name = runName(this.logdir, dir);
      let run = this.runMap.get(name);
      if (!run) {
        run = {
          name,
          files: new Map(),
          scalars: new Map(),
          histograms: new Map(),
          images: new Map(),
          imageBytes: new Map(),
          texts: new Map(),
          graphDef: undefined,
          plugins: new Map(),
        };
        this.runMap.set(name, run);
        newRuns.push(name);
      }
      for (const f of files) if (!run.files.has(f)) run.files.set(f, new TrackedFile(f));
    }
    // The page learns of the runs (and of how much there is to read) before any of them is read.
    if (newRuns.length > 0) this.emit({ ...emptyDelta(), runs: newRuns, scalars: {}, problems: [] });
    // Runs are read side by side (each on a worker when there are workers), a run's files one after the other:
    // a tag's first plugin, in its run's first file, decides for the files after it. Each file's values go to the
    // listeners as soon as it is read, so the page draws the first runs while the others are still being read.
    await Promise.all(
      [...this.runMap.values()].map(async (run) => {
        for (const file of run.files.values()) await this.readFile(run, file);
      }),
    );
    if (!this.firstPassDone) {
      this.firstPassDone = true;
      this.emit({ ...emptyDelta(), runs: [], scalars: {}, problems: [] });
    }
  }

  /**
   * Reads what is new in `file` of `run` (on its first read, what the persistent index holds first). First reads
   * take turns (see Limiter): each run then arrives as soon as its own read is done.
   */
  private readFile(run: Run, file: TrackedFile): Promise<void> {
    return file.started ? this.readNew(run, file) : this.firstReads.run(() => this.readNew(run, file));
  }

  private async readNew(run: Run, file: TrackedFile): Promise<void> {
    const lengths = () => new Map([...run.scalars.values()].map((series) => [series, series.length]));
    // What the listeners get counts from before the persistent index's entry; what the file grew by, from after
    // it (the entry notes its own stretches).
    const sent = lengths();
    let before = sent;
    const delta = emptyDelta();
    const problems: ReadProblem[] = [];
    let added = 0;
    const first = !file.started;
    if (first) {
      file.started = true;
      file.pluginsIn = [...run.plugins];
      try {
        await this.options.beforeRead?.(file.tail.path);
        if (this.options.indexDir !== undefined) added += await this.restore(run, file, delta);
      } catch {
        // A failing hook or cache never stops the board: the file is read from where the tail stands.
      }
      before = lengths();
    }
    try {
      const read =
        this.pool && !this.closedPool && first
          ? await file.tail.readWith((bytes) => this.scanOnWorker(run, bytes, file.tail.path))
          : await file.tail.read(scalarSink(run.plugins, run.scalars), (ev) => notePlugins(run.plugins, ev));
      for (const ev of read.events) added += addEvent(run, ev, delta);
      if (read.records && this.options.indexDir !== undefined) file.records.push(read.records);
      if (read.problem) problems.push(read.problem);
    } catch {
      // deleted or unreadable between listing and reading: the next pass decides
    }
    const inBefore = new Map(file.pluginsIn);
    for (const [tag, plugin] of run.plugins) if (!inBefore.has(tag)) file.pluginsOut.set(tag, plugin);
    this.problemList.push(...problems);
    const scalars: ScalarsByRun = {};
    for (const [tag, series] of run.scalars) {
      file.grew(tag, series, before.get(series) ?? 0);
      const from = sent.get(series) ?? 0;
      if (series.length === from) continue;
      added += series.length - from;
      if (this.listeners.size === 0) continue;
      scalars[run.name] ??= {};
      scalars[run.name]![tag] = series.points({ buckets: DEFAULT_SNAPSHOT_BUCKETS }, from);
    }
    if (first) file.indexed = true;
    this.maybeSave(run, file);
    if (!first && problems.length === 0 && added === 0) return;
    this.emit({ runs: [], scalars, ...delta, problems });
  }

  private emit(update: Omit<IndexUpdate, 'progress'>): void {
    const full: IndexUpdate = { ...update, progress: this.progress() };
    for (const l of this.listeners) l(full);
  }

  /** Files what the persistent index holds for `file`, if it still describes it; returns the values filed. */
  private async restore(run: Run, file: TrackedFile, delta: Delta): Promise<number> {
    const dir = this.options.indexDir!;
    const { size } = await stat(file.tail.path);
    const loaded = await loadEntry(dir, file.tail.path, size);
    if ('reason' in loaded) {
      if (loaded.reason !== 'missing') this.cacheStats.discarded.push({ file: file.tail.path, reason: loaded.reason });
      return 0;
    }
    const { entry } = loaded;
    const plugins = JSON.stringify(file.pluginsIn);
    const events = TrackedFile.decodeRecords(entry);
    const reason =
      JSON.stringify(entry.pluginsIn) !== plugins
        ? 'the files before it in its run changed'
        : events === undefined
          ? 'corrupt (records)'
          : undefined;
    if (reason !== undefined) {
      this.cacheStats.discarded.push({ file: file.tail.path, reason });
      return 0;
    }
    this.cacheStats.bytesRead += loaded.bytes;
    this.cacheStats.hits += 1;
    file.restore(entry, run.scalars, run.plugins);
    let added = 0;
    for (const ev of events!) added += addEvent(run, ev, delta, false);
    return added;
  }

  /**
   * Writes the persistent index entry of `file` after its first read, then whenever it grew by a quarter (at
   * least 1 MiB) since the last write, so a file that training keeps appending to is not rewritten every poll;
   * {@link close} writes the rest.
   */
  private maybeSave(run: Run, file: TrackedFile, force = false): void {
    const dir = this.options.indexDir;
    const offset = file.tail.offset;
    if (dir === undefined || offset === file.savedOffset || (this.closing && !force)) return;
    if (!force && file.savedOffset > 0 && offset - file.savedOffset < Math.max(1 << 20, file.savedOffset / 4)) return;
    const entry = file.entry(run.scalars);
    if (!entry) return;
    file.savedOffset = offset;
    const saving = saveEntry(dir, file.tail.path, entry)
      .catch((e: unknown) => {
        file.savedOffset = 0;
        this.cacheStats.writeErrors.push(String((e as Error)?.message ?? e));
      })
      .finally(() => this.saving.delete(saving));
    this.saving.add(saving);
  }

  /** Scans `bytes` of `run` on a worker and files its scalars and plugins; the events go back to the tail. */
  private async scanOnWorker(run: Run, bytes: Uint8Array, source: string): Promise<ScanOutcome> {
    const reply = await this.pool!.scan({ bytes, source, plugins: [...run.plugins] });
    for (const [tag, plugin] of reply.plugins) if (!run.plugins.has(tag)) run.plugins.set(tag, plugin);
    for (const { tag, steps, walls, values } of reply.columns) seriesIn(run.scalars, tag).append(steps, walls, values);
    const { consumed, events, records, fingerprint } = reply;
    return {
      consumed,
      events,
      records,
      ...(fingerprint ? { fingerprint } : {}),
      ...(reply.damage ? { damage: reply.damage } : {}),
    };
  }
}

function emptyDelta(): Delta {
  return { histograms: {}, images: {}, texts: {} };
}

/** Files the values of `ev` under its run and in `delta`; returns how many points it added. */
function addEvent(run: Run, ev: Event, delta: Delta, scalars = true): number {
  let added = 0;
  if (ev.graphDef) {
    run.graphDef = ev.graphDef;
    added += 1;
  }
  notePlugins(run.plugins, ev);
  for (const v of ev.summary?.value ?? []) {
    const value = boardValue(v, run.plugins.get(v.tag));
    if (value === undefined || (value.kind === 'scalar' && !scalars)) continue;
    added += 1;
    const at = [ev.step, ev.wallTime] as const;
    if (value.kind === 'scalar') seriesIn(run.scalars, v.tag).push(ev.step, ev.wallTime, value.value);
    else if (value.kind === 'histogram') push(run.name, v.tag, [...at, value.rows], run.histograms, delta.histograms);
    else if (value.kind === 'text') push(run.name, v.tag, [...at, value.text], run.texts, delta.texts);
    else {
      const { width, height, images } = value;
      const point: ImagePoint = { step: ev.step, wallTime: ev.wallTime, width, height, count: images.length };
      push(run.name, v.tag, point, run.images, delta.images);
      const bytes = run.imageBytes.get(v.tag) ?? [];
      run.imageBytes.set(v.tag, bytes);
      bytes.push(images);
    }
  }
  return added;
}

function push<P>(run: string, tag: string, point: P, into: Map<string, P[]>, delta: ByRun<P>): void {
  const series = into.get(tag) ?? [];
  into.set(tag, series);
  series.push(point);
  const runDelta = delta[run] ?? {};
  delta[run] = runDelta;
  const added = runDelta[tag] ?? [];
  runDelta[tag] = added;
  added.push(point);
}
