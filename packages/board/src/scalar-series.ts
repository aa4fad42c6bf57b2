/**
 * ScalarSeries: one run's points of one scalar tag, as three growing Float64Array columns (step, wall time,
 * value) rather than one array per point, so a logdir of millions of points costs 24 bytes a point and no garbage.
 * Owns: the columns, slices of them and their downsampled views. Does not own: reading files (LogdirIndex).
 */
import type { EventScalarVisitor } from '@estimatorjs/summary';
import { m4Indices, m4SortedIndices, searchSorted } from './downsample.js';
import { acceptsScalar } from './run-values.js';

/** One scalar point as the API sends it: `[step, wallTime (s), value]`. */
export type ScalarPoint = readonly [step: number, wallTime: number, value: number];

/** The x axis a range is given in: the step, or the wall time in seconds. */
export type RangeAxis = 'step' | 'wall';

/** Which points to send: an x range (default: all) on an axis, reduced to `buckets` M4 buckets (default: none). */
export interface SeriesQuery {
  readonly axis?: RangeAxis;
  readonly from?: number;
  readonly to?: number;
  /** The chart's width in pixels: at most 4 points per bucket are kept (M4); absent or 0 keeps every point. */
  readonly buckets?: number;
}

/**
 * The points of a scalar tag in file order.
 * @example
 *   const s = new ScalarSeries(); s.push(1, 1700000000, 0.5); s.points(); // [[1, 1700000000, 0.5]]
 */
export class ScalarSeries {
  private steps: Float64Array = new Float64Array(16);
  private walls: Float64Array = new Float64Array(16);
  private values: Float64Array = new Float64Array(16);
  private size = 0;
  /** Whether steps (walls) never go down in file order: then ranges and downsampling search instead of scanning. */
  private stepsSorted = true;
  private wallsSorted = true;

  /** How many points it holds. */
  get length(): number {
    return this.size;
  }

  push(step: number, wallTime: number, value: number): void {
    if (this.size === this.steps.length) this.grow();
    const i = this.size++;
    if (i > 0) {
      if (!(step >= this.steps[i - 1]!)) this.stepsSorted = false;
      if (!(wallTime >= this.walls[i - 1]!)) this.wallsSorted = false;
    }
    this.steps[i] = step;
    this.walls[i] = wallTime;
    this.values[i] = value;
  }

  /** The columns, trimmed to the points held (copies: safe to transfer to another thread). */
  columns(): { steps: Float64Array; walls: Float64Array; values: Float64Array } {
    const n = this.size;
    return { steps: this.steps.slice(0, n), walls: this.walls.slice(0, n), values: this.values.slice(0, n) };
  }

  /**
   * Appends columns of points in file order (what a worker scanned). An empty series takes the arrays themselves
   * (the caller gives them up): a logdir's first read then copies no point on the thread that serves the page.
   */
  append(steps: Float64Array, walls: Float64Array, values: Float64Array, sorted?: ColumnsSorted): void {
    const n = steps.length;
    // `sorted` (known when the columns were written) leaves only the seam to check.
    const last = (xs: Float64Array) => (this.size > 0 ? xs[this.size - 1]! : Number.NEGATIVE_INFINITY);
    const seam = (xs: Float64Array, own: Float64Array) => n === 0 || own[0]! >= last(xs);
    if (this.stepsSorted)
      this.stepsSorted = sorted ? sorted.steps && seam(this.steps, steps) : sortedAfter(steps, last(this.steps));
    if (this.wallsSorted)
      this.wallsSorted = sorted ? sorted.walls && seam(this.walls, walls) : sortedAfter(walls, last(this.walls));
    if (this.size === 0 && n > 0 && walls.length === n && values.length === n) {
      this.steps = steps;
      this.walls = walls;
      this.values = values;
      this.size = n;
      return;
    }
    if (this.size + n > this.steps.length) this.grow(this.size + n);
    this.steps.set(steps, this.size);
    this.walls.set(walls, this.size);
    this.values.set(values, this.size);
    this.size += n;
  }

  /** Points `[start, end)` as column views (not copies: valid until the next push or append). */
  slice(start: number, end: number): { steps: Float64Array; walls: Float64Array; values: Float64Array } {
    return {
      steps: this.steps.subarray(start, end),
      walls: this.walls.subarray(start, end),
      values: this.values.subarray(start, end),
    };
  }

  /** The point at `i` (file order). */
  at(i: number): ScalarPoint {
    return [this.steps[i]!, this.walls[i]!, this.values[i]!];
  }

  /** The earliest wall time, or Infinity when empty. */
  firstWallTime(): number {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.size; i++) if (this.walls[i]! < min) min = this.walls[i]!;
    return min;
  }

  /** Points `[start, end)` in file order, downsampled by `query` (see {@link SeriesQuery}). */
  points(query: SeriesQuery = {}, start = 0, end = this.size): ScalarPoint[] {
    if (query.axis === 'wall' ? this.wallsSorted : this.stepsSorted) return this.sortedPoints(query, start, end);
    const xs = (query.axis === 'wall' ? this.walls : this.steps).subarray(start, end);
    const ys = this.values.subarray(start, end);
    const n = end - start;
    let from = query.from ?? Number.NEGATIVE_INFINITY;
    let to = query.to ?? Number.POSITIVE_INFINITY;
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      // An open range: bucket over the x values actually present in it.
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const x = xs[i]!;
        if (x >= from && x <= to) {
          if (x < lo) lo = x;
          if (x > hi) hi = x;
        }
      }
      from = lo;
      to = hi;
    }
    const buckets = query.buckets ?? 0;
    const picked = buckets > 0 ? m4Indices(xs, ys, n, from, to, buckets) : rangeIndices(xs, n, from, to);
    return picked.map((i) => this.at(start + i));
  }

  /** {@link points} when x is sorted: binary searches for the range, one pass over its y values to downsample. */
  private sortedPoints(query: SeriesQuery, start: number, end: number): ScalarPoint[] {
    const xs = query.axis === 'wall' ? this.walls : this.steps;
    const lo = searchSorted(xs, query.from ?? Number.NEGATIVE_INFINITY, start, end, false);
    const hi = searchSorted(xs, query.to ?? Number.POSITIVE_INFINITY, lo, end, true);
    let from = query.from ?? Number.NEGATIVE_INFINITY;
    let to = query.to ?? Number.POSITIVE_INFINITY;
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      // An open range: bucket over the x values actually present in it (as points() does).
      from = hi > lo ? xs[lo]! : Number.POSITIVE_INFINITY;
      to = hi > lo ? xs[hi - 1]! : Number.NEGATIVE_INFINITY;
    }
    const buckets = query.buckets ?? 0;
    const out: ScalarPoint[] = [];
    if (buckets > 0) for (const i of m4SortedIndices(xs, this.values, lo, hi, from, to, buckets)) out.push(this.at(i));
    else for (let i = lo; i < hi; i++) out.push(this.at(i));
    return out;
  }

  private grow(atLeast = 0): void {
    const size = Math.max(this.steps.length * 2, atLeast);
    for (const k of ['steps', 'walls', 'values'] as const) {
      const next = new Float64Array(size);
      next.set(this[k]);
      this[k] = next;
    }
  }
}

/** Whether steps and wall times never go down within some columns (see {@link ScalarSeries.append}). */
export interface ColumnsSorted {
  readonly steps: boolean;
  readonly walls: boolean;
}

/** Whether `xs` never goes down, starting from `after`. */
export function sortedAfter(xs: Float64Array, after: number): boolean {
  let prev = after;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (!(x >= prev)) return false;
    prev = x;
  }
  return true;
}

function rangeIndices(xs: ArrayLike<number>, n: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (xs[i]! >= from && xs[i]! <= to) out.push(i);
  return out;
}

/** The series of `tag` in `scalars`, created when missing. */
export function seriesIn(scalars: Map<string, ScalarSeries>, tag: string): ScalarSeries {
  let series = scalars.get(tag);
  if (!series) {
    series = new ScalarSeries();
    scalars.set(tag, series);
  }
  return series;
}

/**
 * Files the fast path's scalars (those {@link acceptsScalar} takes) into `scalars`, noting plugins in `plugins`.
 * A tag's first plugin never changes once known, and a `simple_value` without metadata is always taken, so the
 * sink keeps both with the tag's series: one map look-up a point instead of three (this runs for every point).
 */
export function scalarSink(
  plugins: Map<string, string>,
  scalars: Map<string, ScalarSeries>,
): EventScalarVisitor['scalar'] {
  const known = new Map<string, { series: ScalarSeries; first: string | undefined }>();
  return (tag, step, wallTime, value, plugin, tensor) => {
    const hit = known.get(tag);
    if (hit !== undefined && (hit.first !== undefined || (plugin === '' && !tensor))) {
      if (!tensor || hit.first === 'scalars') hit.series.push(step, wallTime, value);
      return;
    }
    if (!acceptsScalar(plugins, tag, plugin, tensor)) return;
    const series = hit?.series ?? seriesIn(scalars, tag);
    series.push(step, wallTime, value);
    if (hit) hit.first = plugins.get(tag);
    else known.set(tag, { series, first: plugins.get(tag) });
  };
}
