/**
 * The page's charts are the board's (@estimatorjs/board/components): one ScalarChart per tag, runs overlaid, fed
 * with the runs read back from IndexedDB and with each new training step and evaluation as it happens.
 */
import { type Point, ScalarChart } from '@estimatorjs/board/components';
import 'uplot/dist/uPlot.min.css';

const COLORS: Record<string, string> = { '.': '#2563eb', eval: '#16a34a' };
/** What the charts draw: TensorBoard's default smoothing would hide the first steps of a short run. */
const SETTINGS = { xAxis: 'step', smoothing: 0, logScale: false } as const;

/** Runs by name (`.`: training, `eval`), then points by tag, as the board's readIndexedDbRuns returns them. */
export type Runs = Record<string, Record<string, Point[]>>;

/** The charts of some tags, over the runs of the model directory. */
export class RunCharts {
  private readonly runs: Runs = {};
  private readonly charts = new Map<string, ScalarChart>();
  private pending = false;

  /** One chart per tag, drawn into its element. */
  constructor(roots: Record<string, HTMLElement>) {
    for (const [tag, root] of Object.entries(roots)) {
      const chart = new ScalarChart(tag, { color: (run) => COLORS[run] ?? '#7b1fa2', width: 420, height: 200 });
      root.append(chart.el);
      this.charts.set(tag, chart);
    }
  }

  /** Replaces the charts' points with `runs` (what earlier visits left in IndexedDB). */
  load(runs: Runs): void {
    for (const k of Object.keys(this.runs)) delete this.runs[k];
    for (const [run, byTag] of Object.entries(runs)) this.runs[run] = { ...byTag };
    this.redraw();
  }

  /**
   * Adds a point of `run`/`tag` (an earlier step replaces the history after it, as after a resume from an older
   * checkpoint).
   */
  add(run: string, tag: string, step: number, value: number): void {
    const byTag = this.runs[run] ?? {};
    this.runs[run] = byTag;
    const points = (byTag[tag] ?? []).filter((p) => p[0] < step);
    points.push([step, Date.now() / 1000, value]);
    byTag[tag] = points;
    this.redraw();
  }

  /** The points of `run`/`tag` as `[step, value]` pairs, in step order. */
  points(run: string, tag: string): [number, number][] {
    return (this.runs[run]?.[tag] ?? []).map((p): [number, number] => [p[0], p[2]]).sort((a, b) => a[0] - b[0]);
  }

  private redraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      for (const [tag, chart] of this.charts) {
        const series = Object.keys(this.runs)
          .sort()
          .filter((run) => (this.runs[run]![tag]?.length ?? 0) > 0)
          .map((run) => {
            const points = this.runs[run]![tag]!;
            return { run, points, start: Math.min(...points.map((p) => p[1])) };
          });
        chart.update(series, SETTINGS);
      }
    });
  }
}
