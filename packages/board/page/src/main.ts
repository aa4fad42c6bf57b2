/**
 * The board's page: scalars of every run, one uPlot chart per tag with the runs overlaid, kept live by the
 * server's event stream (`api/events`: a snapshot, then what each refresh added).
 * `window.__board` exposes the page's data for tests and for the curious (`__board.chart('loss')`).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { type ChartData, chartData, type Point, type RunSeries, toCsv, type XAxis } from './chart-data.js';
import { GraphTab } from './graph-view.js';
import {
  type ByRun,
  drawHistograms,
  drawImages,
  drawRunTable,
  drawTexts,
  type HistogramPoint,
  type ImagePoint,
  type TextPoint,
} from './other-views.js';

type Scalars = Record<string, Record<string, Point[]>>;
interface Problem {
  readonly file: string;
  readonly offset: number;
  readonly message: string;
}
interface Update {
  readonly runs: string[];
  readonly scalars: Scalars;
  readonly histograms: ByRun<HistogramPoint>;
  readonly images: ByRun<ImagePoint>;
  readonly texts: ByRun<TextPoint>;
  readonly problems: Problem[];
}

type View = 'charts' | 'histograms' | 'images' | 'texts' | 'table' | 'graph';

const PALETTE = ['#f57c00', '#1976d2', '#388e3c', '#d32f2f', '#7b1fa2', '#0097a7', '#5d4037', '#c2185b', '#455a64'];

const store: Scalars = {};
const histograms: ByRun<HistogramPoint> = {};
const images: ByRun<ImagePoint> = {};
const texts: ByRun<TextPoint> = {};
let view: View = 'charts';
let histogramPlots = new Map<string, uPlot>();
/** Which of the other views have data they have not drawn yet. */
const stale = new Set<View>();
const problems: Problem[] = [];
const hidden = new Set<string>();
const settings = { xAxis: 'step' as XAxis, smoothing: 0.6, logScale: false };
const charts = new Map<string, { plot: uPlot; key: string; el: HTMLElement }>();
let version = 0;
let connected = false;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function runs(): string[] {
  return Object.keys(store).sort();
}

function colorOf(run: string): string {
  return PALETTE[runs().indexOf(run) % PALETTE.length]!;
}

function tags(): string[] {
  return [...new Set(runs().flatMap((r) => Object.keys(store[r]!)))].sort();
}

function runStart(run: string): number {
  let start = Number.POSITIVE_INFINITY;
  for (const points of Object.values(store[run] ?? {})) for (const p of points) start = Math.min(start, p[1]);
  return start;
}

function seriesOf(tag: string): RunSeries[] {
  return runs()
    .filter((r) => !hidden.has(r) && store[r]![tag] !== undefined)
    .map((run) => ({ run, points: store[run]![tag]!, start: runStart(run) }));
}

function apply(update: Update): void {
  for (const run of update.runs) store[run] ??= {};
  merge(store, update.scalars);
  if (merge(histograms, update.histograms)) stale.add('histograms');
  if (merge(images, update.images)) stale.add('images');
  if (merge(texts, update.texts)) stale.add('texts');
  problems.push(...update.problems);
  version += 1;
  render();
}

/** Appends `from`'s points to `into`; true when there were any. */
function merge<P>(into: ByRun<P>, from: ByRun<P> | undefined): boolean {
  let any = false;
  for (const [run, byTag] of Object.entries(from ?? {})) {
    const target = into[run] ?? {};
    into[run] = target;
    for (const [tag, points] of Object.entries(byTag)) {
      const series = target[tag] ?? [];
      target[tag] = series;
      for (const p of points) series.push(p);
      any = any || points.length > 0;
    }
  }
  return any;
}

let graphTab: GraphTab | undefined;

function drawOtherView(): void {
  if (view === 'graph') {
    if (!graphTab) {
      graphTab = new GraphTab($('graph'));
      void graphTab.refresh();
    }
    return;
  }
  if (view === 'charts' || (view !== 'table' && !stale.has(view))) return;
  stale.delete(view);
  if (view === 'histograms') {
    for (const p of histogramPlots.values()) p.destroy();
    histogramPlots = drawHistograms($('histograms'), histograms, colorOf);
  } else if (view === 'images') drawImages($('images'), images);
  else if (view === 'table') drawRunTable($('table'), store);
  else drawTexts($('texts'), texts);
}

function download(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}

function createChart(tag: string, series: RunSeries[], data: ChartData): { plot: uPlot; el: HTMLElement } {
  const el = document.createElement('div');
  el.className = 'chart';
  el.dataset.tag = tag;
  const title = document.createElement('h3');
  title.textContent = tag;
  const buttons = document.createElement('span');
  for (const kind of ['CSV', 'JSON'] as const) {
    const b = document.createElement('button');
    b.textContent = kind;
    b.onclick = () => {
      const file = tag.replaceAll(/[^\w.-]+/g, '_');
      const now = seriesOf(tag);
      if (kind === 'CSV') download(`${file}.csv`, toCsv(tag, now), 'text/csv');
      else
        download(
          `${file}.json`,
          JSON.stringify(Object.fromEntries(now.map((s) => [s.run, s.points]))),
          'application/json',
        );
    };
    buttons.append(b);
  }
  title.append(buttons);
  el.append(title);
  const ySeries: uPlot.Series[] = series.flatMap((s) => [
    { label: s.run, stroke: colorOf(s.run), width: 2, spanGaps: true },
    {
      label: `${s.run} (raw)`,
      stroke: `${colorOf(s.run)}44`,
      width: 1,
      spanGaps: true,
      show: settings.smoothing > 0,
      points: { show: false },
    },
  ]);
  const opts: uPlot.Options = {
    width: 460,
    height: 260,
    scales: { x: { time: settings.xAxis === 'wall' }, y: { distr: settings.logScale ? 3 : 1 } },
    series: [{ label: settings.xAxis }, ...ySeries],
    axes: [{}, { size: 60 }],
    legend: { live: true },
  };
  const plot = new uPlot(opts, data as uPlot.AlignedData, el);
  return { plot, el };
}

let scheduled = false;
function render(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(() => {
    scheduled = false;
    draw();
  });
}

function draw(): void {
  drawRuns();
  drawProblems();
  drawOtherView();
  const container = $('charts');
  for (const tag of tags()) {
    const series = seriesOf(tag);
    const data = chartData(series, settings.xAxis, settings.smoothing);
    const key = JSON.stringify([series.map((s) => s.run), settings]);
    const existing = charts.get(tag);
    if (existing && existing.key === key) {
      existing.plot.setData(data as uPlot.AlignedData);
      continue;
    }
    existing?.plot.destroy();
    const { plot, el } = createChart(tag, series, data);
    if (existing) existing.el.replaceWith(el);
    else insertSorted(container, el, tag);
    charts.set(tag, { plot, key, el });
  }
  $('status').textContent = connected ? `live · ${runs().length} run(s) · ${tags().length} tag(s)` : 'reconnecting…';
}

function insertSorted(container: HTMLElement, el: HTMLElement, tag: string): void {
  const after = [...container.children].find((c) => ((c as HTMLElement).dataset.tag ?? '') > tag);
  container.insertBefore(el, after ?? null);
}

function drawRuns(): void {
  const list = $('runs');
  if (list.childElementCount === runs().length) return;
  list.replaceChildren(
    ...runs().map((run) => {
      const li = document.createElement('li');
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = !hidden.has(run);
      box.onchange = () => {
        if (box.checked) hidden.delete(run);
        else hidden.add(run);
        render();
      };
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = colorOf(run);
      label.append(box, swatch, run);
      li.append(label);
      return li;
    }),
  );
}

function drawProblems(): void {
  const box = $('problems');
  box.hidden = problems.length === 0;
  box.textContent = problems.map((p) => p.message).join('\n');
}

function connect(): void {
  const source = new EventSource('api/events');
  source.addEventListener('snapshot', (e) => {
    for (const k of Object.keys(store)) delete store[k];
    for (const m of [histograms, images, texts]) for (const k of Object.keys(m)) delete m[k];
    for (const v of ['histograms', 'images', 'texts'] as const) stale.add(v);
    problems.length = 0;
    connected = true;
    apply(JSON.parse((e as MessageEvent).data) as Update);
  });
  source.addEventListener('update', (e) => apply(JSON.parse((e as MessageEvent).data) as Update));
  source.onerror = () => {
    connected = false;
    $('status').textContent = 'reconnecting…';
  };
}

for (const button of document.querySelectorAll<HTMLButtonElement>('nav button')) {
  button.onclick = () => {
    view = button.dataset.view as View;
    for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b === button);
    for (const v of ['charts', 'histograms', 'images', 'texts', 'table', 'graph']) $(v).hidden = v !== view;
    draw();
  };
}

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=x]')) {
  radio.onchange = () => {
    settings.xAxis = radio.value as XAxis;
    render();
  };
}
$<HTMLInputElement>('smoothing').oninput = (e) => {
  settings.smoothing = Number((e.target as HTMLInputElement).value);
  $('smoothing-value').textContent = settings.smoothing.toFixed(3);
  render();
};
$<HTMLInputElement>('log-scale').onchange = (e) => {
  settings.logScale = (e.target as HTMLInputElement).checked;
  render();
};

/** The page's data, for tests and the console. */
const debug = {
  get version() {
    return version;
  },
  get connected() {
    return connected;
  },
  settings,
  store,
  histograms,
  images,
  texts,
  get view() {
    return view;
  },
  /** The boxes and edges the Graph tab draws now, or null before it was opened. */
  graph() {
    return graphTab?.shown ?? null;
  },
  /** The uPlot data of the histogram overlay of `run/tag` (drawn once the Histograms view was opened). */
  histogram(key: string): (number | null)[][] | null {
    const p = histogramPlots.get(key);
    return p ? p.data.map((col) => Array.from(col as ArrayLike<number | null>)) : null;
  },
  problems,
  tags,
  runs,
  /** A chart's series labels and uPlot data (what is drawn), or null when there is no chart for `tag`. */
  chart(tag: string): { series: string[]; data: (number | null)[][] } | null {
    const c = charts.get(tag);
    if (!c) return null;
    return {
      series: c.plot.series.map((s) => String(s.label ?? '')),
      data: c.plot.data.map((col) => Array.from(col as ArrayLike<number | null>)),
    };
  },
};
(window as unknown as { __board: typeof debug }).__board = debug;
connect();
