/**
 * The numbers one chart draws: the runs' points of a tag on the chosen x axis, smoothed, joined on one x array
 * (uPlot's data layout: `[xs, run1 smoothed, run1 raw, run2 smoothed, …]`, null where a run has no point).
 */
import { smooth } from '../smoothing.js';

/** `[step, wallTime (s), value]`, as the server sends it. */
export type Point = readonly [number, number, number];
/** What the x axis shows: the step, seconds since the run's first event, or the wall clock. */
export type XAxis = 'step' | 'relative' | 'wall';

/** One run's series of a tag, with the run's start time (for the relative axis). */
export interface RunSeries {
  readonly run: string;
  readonly points: readonly Point[];
  readonly start: number;
}

/** uPlot's aligned data: the x values, then two y arrays per run (smoothed, raw). */
export type ChartData = [number[], ...(number | null)[][]];

/**
 * Joins the runs' series on their x values; a run with several points at one x keeps the last one written.
 * @example
 *   const data = chartData([{ run: '.', start: 0, points: [[1, 0.5, 1733.2], [2, 0.4, 1733.9]] }], 'step', 0.6);
 */
export function chartData(series: readonly RunSeries[], xAxis: XAxis, smoothing: number): ChartData {
  const perRun = series.map((s) => {
    const byX = new Map<number, number>();
    for (const p of s.points) byX.set(xOf(p, xAxis, s.start), p[2]);
    const xs = [...byX.keys()].sort((a, b) => a - b);
    const raw = xs.map((x) => byX.get(x)!);
    const smoothed = smooth(raw, smoothing);
    return { xs, raw, smoothed };
  });
  const all = [...new Set(perRun.flatMap((r) => r.xs))].sort((a, b) => a - b);
  const position = new Map(all.map((x, i) => [x, i]));
  const out: ChartData = [all];
  for (const r of perRun) {
    const sm: (number | null)[] = new Array(all.length).fill(null);
    const rw: (number | null)[] = new Array(all.length).fill(null);
    r.xs.forEach((x, i) => {
      const at = position.get(x)!;
      sm[at] = r.smoothed[i]!;
      rw[at] = r.raw[i]!;
    });
    out.push(sm, rw);
  }
  return out;
}

function xOf(p: Point, xAxis: XAxis, start: number): number {
  if (xAxis === 'step') return p[0];
  if (xAxis === 'relative') return p[1] - start;
  return p[1];
}

/**
 * The rows of a download: `run,tag,step,wall_time,value`.
 * @example
 *   const csv = toCsv('loss', [{ run: '.', start: 0, points: [[1, 0.5, 1733.2]] }]);
 */
export function toCsv(tag: string, series: readonly RunSeries[]): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const rows = ['run,tag,step,wall_time,value'];
  for (const s of series) for (const p of s.points) rows.push([quote(s.run), quote(tag), p[0], p[1], p[2]].join(','));
  return `${rows.join('\n')}\n`;
}
