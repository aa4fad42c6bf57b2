/** The numbers the histogram overlay and the run table show: pure functions of the data the server sent. */

/** `[left, right, count]` rows. */
export type Rows = [number, number, number][];
export type HistogramPoint = [number, number, Rows];
export interface ImagePoint {
  step: number;
  wallTime: number;
  width: number;
  height: number;
  count: number;
}
export type TextPoint = [number, number, string];
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

/** `[step, wallTime, value]` scalar points by run and tag. */
export type Scalars = Record<string, Record<string, readonly (readonly [number, number, number])[]>>;

/** The run table: one row per run, its last step and the last value of each scalar tag (a column per tag). */
export function runTable(scalars: Scalars): { columns: string[]; rows: (string | number | null)[][] } {
  const runs = Object.keys(scalars).sort();
  const tags = [...new Set(runs.flatMap((r) => Object.keys(scalars[r]!)))].sort();
  const rows = runs.map((run) => {
    const byTag = scalars[run]!;
    const lastStep = Math.max(...Object.values(byTag).flatMap((p) => p.map((x) => x[0])), Number.NEGATIVE_INFINITY);
    return [run, Number.isFinite(lastStep) ? lastStep : null, ...tags.map((t) => byTag[t]?.at(-1)?.[2] ?? null)];
  });
  return { columns: ['run', 'last step', ...tags], rows };
}
