/**
 * The board's page: scalars of every run, one uPlot chart per tag with the runs overlaid, kept live by the
 * server's event stream (`api/events`: a snapshot, then what each refresh added).
 * `window.__board` exposes the page's data for tests and for the curious (`__board.chart('loss')`).
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import {
  type ByRun,
  drawHistograms,
  drawImages,
  drawRunTable,
  drawTexts,
  type HistogramMode,
  type HistogramPoint,
  type HistogramsDrawn,
  type ImagePoint,
  type Point,
  type RunSeries,
  ScalarChart,
  type TextPoint,
  type XAxis,
} from '../../src/components/index.js';
import { GraphTab } from './graph-view.js';

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
  /** How far the server's first read of the logdir has come. */
  readonly progress?: Progress;
}
interface Progress {
  readonly files: number;
  readonly indexed: number;
  readonly done: boolean;
}

type View = 'charts' | 'histograms' | 'images' | 'texts' | 'table' | 'graph';

const PALETTE = ['#f57c00', '#1976d2', '#388e3c', '#d32f2f', '#7b1fa2', '#0097a7', '#5d4037', '#c2185b', '#455a64'];

const store: Scalars = {};
const histograms: ByRun<HistogramPoint> = {};
const images: ByRun<ImagePoint> = {};
const texts: ByRun<TextPoint> = {};
let view: View = 'charts';
let histogramsDrawn: HistogramsDrawn = { plots: new Map(), ridgelines: new Map() };
/** Which of the other views have data they have not drawn yet. */
const stale = new Set<View>();
const problems: Problem[] = [];
const hidden = new Set<string>();
const settings = { xAxis: 'step' as XAxis, smoothing: 0.6, logScale: false };
/** Page-only settings: how the Histograms tab draws. */
const histogramSettings = { mode: 'overlay' as HistogramMode };
const charts = new Map<string, ScalarChart>();
/** The full-detail points of the range a zoomed chart shows, by tag then run (the store holds downsampled series). */
const detail = new Map<string, Record<string, Point[]>>();
let version = 0;
let connected = false;
let progress: Progress = { files: 0, indexed: 0, done: false };

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
  if (update.progress) progress = update.progress;
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
    for (const p of histogramsDrawn.plots.values()) p.destroy();
    histogramsDrawn = drawHistograms($('histograms'), histograms, colorOf, histogramSettings.mode);
  } else if (view === 'images') drawImages($('images'), images);
  else if (view === 'table') drawRunTable($('table'), store, texts);
  else drawTexts($('texts'), texts);
}

/** Every point of `tag` (the store may hold a downsampled view), for the CSV/JSON buttons. */
async function fullSeries(tag: string): Promise<RunSeries[]> {
  const all = (await (await fetch(`api/scalars?tag=${encodeURIComponent(tag)}`)).json()) as Scalars;
  return seriesOf(tag).map((s) => ({ ...s, points: all[s.run]?.[tag] ?? s.points }));
}

/**
 * Fetches the full detail of the x range a chart was zoomed to (M4-downsampled to its width by the server), one
 * request per run: on the relative axis each run's range starts at its own first event.
 */
async function fetchDetail(tag: string, range: readonly [number, number]): Promise<void> {
  const byRun: Record<string, Point[]> = {};
  await Promise.all(
    seriesOf(tag).map(async (s) => {
      const shift = settings.xAxis === 'relative' ? s.start : 0;
      const q = new URLSearchParams({
        run: s.run,
        tag,
        axis: settings.xAxis === 'step' ? 'step' : 'wall',
        from: String(range[0] + shift),
        to: String(range[1] + shift),
        points: '460',
      });
      const got = (await (await fetch(`api/scalars?${q}`)).json()) as Scalars;
      byRun[s.run] = got[s.run]?.[tag] ?? [];
    }),
  );
  if (charts.get(tag)?.zoom !== range) return; // zoomed elsewhere meanwhile
  detail.set(tag, byRun);
  detailFetches += 1;
  render();
}
let detailFetches = 0;

function chartFor(tag: string): ScalarChart {
  let chart = charts.get(tag);
  if (chart) return chart;
  chart = new ScalarChart(tag, {
    color: colorOf,
    download: () => fullSeries(tag),
    onZoom: (range) => {
      detail.delete(tag);
      if (range) void fetchDetail(tag, range);
      else render();
    },
  });
  charts.set(tag, chart);
  insertSorted($('charts'), chart.el, tag);
  return chart;
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
  for (const tag of tags()) {
    const zoomed = detail.get(tag);
    const series = seriesOf(tag).map((s) => (zoomed?.[s.run] ? { ...s, points: zoomed[s.run]! } : s));
    chartFor(tag).update(series, settings);
  }
  $('status').textContent = !connected
    ? 'reconnecting…'
    : progress.done
      ? `live · ${runs().length} run(s) · ${tags().length} tag(s)`
      : `reading event files ${progress.indexed}/${progress.files} · ${runs().length} run(s) · ${tags().length} tag(s)`;
  $('status').classList.toggle('indexing', connected && !progress.done);
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
for (const radio of document.querySelectorAll<HTMLInputElement>('input[name=histogram-mode]')) {
  radio.onchange = () => {
    histogramSettings.mode = radio.value as HistogramMode;
    stale.add('histograms');
    render();
  };
}
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
  /** The server's progress through its first read of the logdir (`done`: every run read once). */
  get progress() {
    return progress;
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
    const p = histogramsDrawn.plots.get(key);
    return p ? p.data.map((col) => Array.from(col as ArrayLike<number | null>)) : null;
  },
  /** The offset view's lines of `run/tag` (drawn once the Histograms view was opened in offset mode). */
  ridgeline(key: string) {
    return histogramsDrawn.ridgelines.get(key) ?? null;
  },
  histogramSettings,
  problems,
  tags,
  runs,
  /** A chart's series labels and uPlot data (what is drawn), or null when there is no chart for `tag`. */
  chart(tag: string): { series: string[]; data: (number | null)[][] } | null {
    return charts.get(tag)?.shown() ?? null;
  },
  /** Zooms the chart of `tag` to `[min, max]` of its x axis, as a drag would (null: back to everything). */
  zoom(tag: string, range: [number, number] | null): void {
    charts.get(tag)?.setZoom(range);
  },
  /** How many zoomed ranges were fetched at full detail so far. */
  get detailFetches() {
    return detailFetches;
  },
};
(window as unknown as { __board: typeof debug }).__board = debug;
connect();
