/** The numbers the histogram overlay and the run table show: pure functions of the data the server sent. */
import { HPARAMS_TAG, type HParamsValue, parseHParams } from '@estimatorjs/summary';

/** `[left, right, count]` rows. */
export type Rows = [number, number, number][];
/** One histogram: `[step, wallTime (s), rows]`. */
export type HistogramPoint = [number, number, Rows];
/** One image summary: its step, wall time (s), size and how many images it holds (the bytes are fetched apart). */
export interface ImagePoint {
  step: number;
  wallTime: number;
  width: number;
  height: number;
  count: number;
}
/** One text summary: `[step, wallTime (s), text]`. */
export type TextPoint = [number, number, string];
/** Points of every run: run → tag → points in file order. */
export type ByRun<P> = Record<string, Record<string, P[]>>;

/** How many of the newest steps a histogram overlay draws. */
const OVERLAY_STEPS = 10;

/** uPlot data of a histogram overlay: bucket centres, then one count column per step (oldest first). */
export function histogramData(points: readonly HistogramPoint[]): { steps: number[]; data: (number | null)[][] } {
  const shown = points.slice(-OVERLAY_STEPS);
  const columns = shown.map(([, , rows]) => {
    const m = new Map<number, number>();
    for (const [l, r, c] of rows) m.set((l + r) / 2, c);
    return m;
  });
  const xs = [...new Set(columns.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  return { steps: shown.map((p) => p[0]), data: [xs, ...columns.map((m) => xs.map((x) => m.get(x) ?? null))] };
}

/** How many steps an offset (ridgeline) view draws at most: evenly spread, the first and the newest included. */
const OFFSET_STEPS = 30;

/** What the offset view draws: one line of `[bucket centre, count]` per step (oldest first) and the extents. */
export interface Ridgeline {
  readonly steps: number[];
  readonly lines: [x: number, count: number][][];
  readonly xMin: number;
  readonly xMax: number;
  readonly maxCount: number;
}

/**
 * TensorBoard's offset view of a histogram over steps: every step's bucket counts as a line at its own baseline,
 * older steps further back. With more than `maxSteps` steps, an even spread of them (first and last kept).
 */
export function ridgelineData(points: readonly HistogramPoint[], maxSteps = OFFSET_STEPS): Ridgeline {
  const n = points.length;
  const picked =
    n <= maxSteps
      ? points
      : Array.from({ length: maxSteps }, (_, i) => points[Math.round((i * (n - 1)) / (maxSteps - 1))]!);
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let maxCount = 0;
  const lines = picked.map(([, , rows]) =>
    rows.map(([l, r, c]): [number, number] => {
      xMin = Math.min(xMin, l);
      xMax = Math.max(xMax, r);
      maxCount = Math.max(maxCount, c);
      return [(l + r) / 2, c];
    }),
  );
  return { steps: picked.map((p) => p[0]), lines, xMin, xMax, maxCount };
}

/** `[step, wallTime, value]` scalar points by run and tag. */
export type Scalars = Record<string, Record<string, readonly (readonly [number, number, number])[]>>;

/**
 * The run table: one row per run, its hyperparameters (the newest `hparams` text table the Estimator writes, see
 * @estimatorjs/summary's formatHParams; a run without one, such as `eval`, shows its nearest parent run's), its
 * last step and the last value of each scalar tag. Columns: run, each hparam, last step, each tag.
 */
export function runTable(
  scalars: Scalars,
  texts: ByRun<TextPoint> = {},
): { columns: string[]; hparams: string[]; rows: (string | number | boolean | null)[][] } {
  const runs = [...new Set([...Object.keys(scalars), ...Object.keys(texts)])].sort();
  const own = new Map<string, Record<string, HParamsValue>>();
  for (const run of runs) {
    const table = texts[run]?.[HPARAMS_TAG]?.at(-1);
    if (table) own.set(run, parseHParams(table[2]));
  }
  const hparamsOf = (run: string): Record<string, HParamsValue> => {
    for (let r: string = run; ; r = parent(r)) {
      const found = own.get(r);
      if (found || r === '.') return found ?? {};
    }
  };
  const hparams = [...new Set([...own.values()].flatMap((h) => Object.keys(h)))].sort();
  const tags = [...new Set(runs.flatMap((r) => Object.keys(scalars[r] ?? {})))].sort();
  const rows = runs.map((run) => {
    const byTag = scalars[run] ?? {};
    const h = hparamsOf(run);
    const lastStep = Math.max(...Object.values(byTag).flatMap((p) => p.map((x) => x[0])), Number.NEGATIVE_INFINITY);
    return [
      run,
      ...hparams.map((k) => h[k] ?? null),
      Number.isFinite(lastStep) ? lastStep : null,
      ...tags.map((t) => byTag[t]?.at(-1)?.[2] ?? null),
    ];
  });
  return { columns: ['run', ...hparams, 'last step', ...tags], hparams, rows };
}

/** `lr_0.1/eval` → `lr_0.1`, `eval` → `.`. */
function parent(run: string): string {
  const slash = run.lastIndexOf('/');
  return slash < 0 ? '.' : run.slice(0, slash);
}
