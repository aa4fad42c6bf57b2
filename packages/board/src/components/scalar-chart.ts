/**
 * ScalarChart: one scalar tag as a uPlot chart, runs overlaid (smoothed line bold, raw values faint), for the
 * board's page and for any page that has runs of its own (the browser example reads its runs from IndexedDB).
 * Owns: the chart element, its uPlot instance (rebuilt when the runs or the settings change, fed new data
 * otherwise), drag-to-zoom and its reset, the CSV/JSON buttons. Does not own: where the points come from, nor
 * uPlot's stylesheet (import `uplot/dist/uPlot.min.css` once in the page).
 */
import uPlot from 'uplot';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { type ChartData, chartData, type RunSeries, toCsv, type XAxis } from './chart-data.js';

/** How a chart draws: the x axis, TensorBoard's smoothing weight in [0, 1), a log y axis. */
export interface ChartSettings {
  readonly xAxis: XAxis;
  readonly smoothing: number;
  readonly logScale: boolean;
}

/** Options of a {@link ScalarChart}. */
export interface ScalarChartOptions {
  /** The colour of a run's line. */
  readonly color: (run: string) => string;
  readonly width?: number;
  readonly height?: number;
  /**
   * Called when the user zooms the x axis (drag a range) with the range shown, and with null when the zoom is
   * reset (double-click); a page with downsampled series fetches the range's full detail here.
   */
  readonly onZoom?: (range: readonly [number, number] | null) => void;
  /** What the CSV/JSON buttons save (default: the series last drawn); false: no buttons. */
  readonly download?: ((kind: 'CSV' | 'JSON') => Promise<readonly RunSeries[]> | readonly RunSeries[]) | false;
}

/**
 * A chart of one tag.
 * @example
 *   const chart = new ScalarChart('loss', { color: () => '#1976d2' });
 *   document.body.append(chart.el);
 *   chart.update([{ run: '.', points: [[1, 1700000000, 0.5]], start: 1700000000 }], { xAxis: 'step', smoothing: 0.6, logScale: false });
 */
export class ScalarChart {
  readonly el: HTMLElement;
  readonly tag: string;
  private plot: uPlot | undefined;
  private key = '';
  private series: readonly RunSeries[] = [];
  private zoomed: readonly [number, number] | null = null;

  constructor(
    tag: string,
    private readonly options: ScalarChartOptions,
  ) {
    checkOptionKeys('new ScalarChart()', options, KNOWN_OPTIONS.scalarChart);
    this.tag = tag;
    this.el = document.createElement('div');
    this.el.className = 'chart';
    this.el.dataset.tag = tag;
    const title = document.createElement('h3');
    title.textContent = tag;
    if (options.download !== false) title.append(this.buttons());
    this.el.append(title);
  }

  /** The x range the user zoomed to, or null. */
  get zoom(): readonly [number, number] | null {
    return this.zoomed;
  }

  /** The series labels and the data uPlot draws now (for tests and the console). */
  shown(): { series: string[]; data: (number | null)[][] } | null {
    if (!this.plot) return null;
    return {
      series: this.plot.series.map((s) => String(s.label ?? '')),
      data: this.plot.data.map((col) => Array.from(col as ArrayLike<number | null>)),
    };
  }

  /** Draws `series` (the runs to show, in order) with `settings`; a zoom the user made is kept. */
  update(series: readonly RunSeries[], settings: ChartSettings): void {
    this.series = series;
    const data = chartData(series, settings.xAxis, settings.smoothing);
    const key = JSON.stringify([series.map((s) => s.run), settings]);
    if (this.plot && key === this.key) {
      this.plot.setData(data as uPlot.AlignedData, this.zoomed === null);
      if (this.zoomed) this.plot.setScale('x', { min: this.zoomed[0], max: this.zoomed[1] });
      return;
    }
    this.plot?.destroy();
    this.key = key;
    if (this.zoomed) {
      this.zoomed = null; // another axis or run set: the old range means nothing there
      this.options.onZoom?.(null);
    }
    this.plot = this.create(series, settings, data);
  }

  /** Zooms the x axis to `[min, max]` as a drag does (null: back to everything, as a double-click does). */
  setZoom(range: readonly [number, number] | null): void {
    if (!this.plot || (range === null && this.zoomed === null)) return;
    this.zoomed = range;
    if (range) this.plot.setScale('x', { min: range[0], max: range[1] });
    this.options.onZoom?.(range);
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.el.remove();
  }

  private create(series: readonly RunSeries[], settings: ChartSettings, data: ChartData): uPlot {
    const { color } = this.options;
    const ySeries: uPlot.Series[] = series.flatMap((s) => [
      { label: s.run, stroke: color(s.run), width: 2, spanGaps: true },
      {
        label: `${s.run} (raw)`,
        stroke: `${color(s.run)}44`,
        width: 1,
        spanGaps: true,
        show: settings.smoothing > 0,
        points: { show: false },
      },
    ]);
    const opts: uPlot.Options = {
      width: this.options.width ?? 460,
      height: this.options.height ?? 260,
      scales: { x: { time: settings.xAxis === 'wall' }, y: { distr: settings.logScale ? 3 : 1 } },
      series: [{ label: settings.xAxis }, ...ySeries],
      axes: [{}, { size: 60 }],
      legend: { live: true },
      // A drag selects a range (uPlot then zooms to it); a double-click resets. Scale changes themselves are not
      // watched: new data moves the scale too, and uPlot reports those changes later, in a batch.
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width <= 0) return;
            const min = u.posToVal(u.select.left, 'x');
            const max = u.posToVal(u.select.left + u.select.width, 'x');
            this.setZoom([min, max]);
          },
        ],
        ready: [(u) => u.over.addEventListener('dblclick', () => this.setZoom(null))],
      },
    };
    return new uPlot(opts, data as uPlot.AlignedData, this.el);
  }

  private buttons(): HTMLElement {
    const buttons = document.createElement('span');
    for (const kind of ['CSV', 'JSON'] as const) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = kind;
      b.onclick = async () => {
        const source = this.options.download;
        const now = source ? await source(kind) : this.series;
        const file = this.tag.replaceAll(/[^\w.-]+/g, '_');
        if (kind === 'CSV') save(`${file}.csv`, toCsv(this.tag, now), 'text/csv');
        else
          save(
            `${file}.json`,
            JSON.stringify(Object.fromEntries(now.map((s) => [s.run, s.points]))),
            'application/json',
          );
      };
      buttons.append(b);
    }
    return buttons;
  }
}

function save(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}
