/**
 * The histograms, images, text and run-table views: one card per run and tag. Histograms are overlaid per step
 * (the newest steps, older ones fainter) or offset (a ridgeline), images have a step slider, text shows every step
 * as markdown. The board's page draws its tabs with them; any page holding such data can (import
 * `uplot/dist/uPlot.min.css` once).
 */
import uPlot from 'uplot';
import { renderMarkdown } from './markdown.js';

import {
  type ByRun,
  type HistogramPoint,
  histogramData,
  type ImagePoint,
  type Ridgeline,
  ridgelineData,
  runTable,
  type Scalars,
  type TextPoint,
} from './view-data.js';

export type { ByRun, HistogramPoint, ImagePoint, Ridgeline, TextPoint } from './view-data.js';

function card(title: string): HTMLElement {
  const el = document.createElement('div');
  el.className = 'chart';
  const h = document.createElement('h3');
  h.textContent = title;
  el.append(h);
  return el;
}

/** How the histograms view draws a run/tag: the newest steps overlaid, or every step offset (TensorBoard's two modes). */
export type HistogramMode = 'overlay' | 'offset';

/** What the histograms view drew, by `run/tag`, for the debug hook. */
export interface HistogramsDrawn {
  readonly plots: Map<string, uPlot>;
  readonly ridgelines: Map<string, Ridgeline>;
}

/**
 * Redraws the histograms view of `all` into `container` in `mode`: one card per run and tag.
 * @example
 *   const el = document.createElement('div');
 *   drawHistograms(el, { '.': { weights: [[1, 1700000000, [[0, 1, 3], [1, 2, 5]]]] } }, () => '#1976d2', 'offset');
 */
export function drawHistograms(
  container: HTMLElement,
  all: ByRun<HistogramPoint>,
  color: (run: string) => string,
  mode: HistogramMode = 'overlay',
): HistogramsDrawn {
  const plots = new Map<string, uPlot>();
  const ridgelines = new Map<string, Ridgeline>();
  for (const old of container.querySelectorAll('.chart')) old.remove();
  for (const run of Object.keys(all).sort()) {
    for (const tag of Object.keys(all[run]!).sort()) {
      const el = card(`${tag} · ${run}`);
      el.dataset.histogram = `${run}/${tag}`;
      if (mode === 'offset') {
        const r = ridgelineData(all[run]![tag]!);
        el.append(drawRidgeline(r, color(run)));
        ridgelines.set(`${run}/${tag}`, r);
        container.append(el);
        continue;
      }
      const { steps, data } = histogramData(all[run]![tag]!);
      const base = color(run);
      const series: uPlot.Series[] = steps.map((step, i) => {
        const alpha = Math.round(64 + (191 * (i + 1)) / steps.length)
          .toString(16)
          .padStart(2, '0');
        return {
          label: `step ${step}`,
          stroke: `${base}${alpha}`,
          width: i === steps.length - 1 ? 2 : 1,
          spanGaps: true,
        };
      });
      const plot = new uPlot(
        {
          width: 460,
          height: 220,
          scales: { x: { time: false } },
          series: [{ label: 'value' }, ...series],
          axes: [{}, { size: 80 }],
          legend: { show: false },
        },
        data as uPlot.AlignedData,
        el,
      );
      plots.set(`${run}/${tag}`, plot);
      container.append(el);
    }
  }
  return { plots, ridgelines };
}

/**
 * The offset view on a canvas: one filled line per step, the oldest at the top and furthest back, each newer one
 * lower and drawn over it, its step labelled on the right; the value axis below.
 */
function drawRidgeline(r: Ridgeline, color: string): HTMLCanvasElement {
  const width = 460;
  const height = 260;
  const pad = { left: 12, right: 56, top: 8, bottom: 24 };
  const canvas = document.createElement('canvas');
  const dpr = window.devicePixelRatio || 1;
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.className = 'ridgeline';
  const ctx = canvas.getContext('2d');
  if (!ctx || r.steps.length === 0) return canvas;
  ctx.scale(dpr, dpr);
  const n = r.steps.length;
  const span = height - pad.top - pad.bottom;
  const peak = n === 1 ? span : span * 0.4;
  const plotWidth = width - pad.left - pad.right;
  const xRange = r.xMax > r.xMin ? r.xMax - r.xMin : 1;
  const px = (x: number) => pad.left + ((x - r.xMin) / xRange) * plotWidth;
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  r.lines.forEach((line, i) => {
    const base = pad.top + peak + (n === 1 ? 0 : ((span - peak) * i) / (n - 1));
    if (line.length === 0) return;
    ctx.beginPath();
    ctx.moveTo(px(line[0]![0]), base);
    for (const [x, c] of line) ctx.lineTo(px(x), base - (r.maxCount > 0 ? (c / r.maxCount) * peak : 0));
    ctx.lineTo(px(line[line.length - 1]![0]), base);
    ctx.closePath();
    ctx.fillStyle = '#ffffff';
    ctx.fill(); // newer steps hide the older ones behind them
    const alpha = Math.round(40 + (120 * (i + 1)) / n)
      .toString(16)
      .padStart(2, '0');
    ctx.fillStyle = `${color}${alpha}`;
    ctx.fill();
    ctx.strokeStyle = color;
    ctx.lineWidth = i === n - 1 ? 1.5 : 0.75;
    ctx.stroke();
    if (i % labelEvery === 0 || i === n - 1) {
      ctx.fillStyle = '#555';
      ctx.fillText(`step ${r.steps[i]}`, width - pad.right + 4, base);
    }
  });
  ctx.fillStyle = '#555';
  ctx.textBaseline = 'top';
  for (const [x, align] of [
    [r.xMin, 'left'],
    [(r.xMin + r.xMax) / 2, 'center'],
    [r.xMax, 'right'],
  ] as const) {
    ctx.textAlign = align;
    ctx.fillText(formatNumber(x), px(x), height - pad.bottom + 6);
  }
  return canvas;
}

/**
 * Where image `k` of the `index`-th image summary of `run`/`tag` is fetched from (the board server's route).
 * @example
 *   boardImageUrl('.', 'digits', 0, 1); // 'api/image?run=.&tag=digits&index=0&k=1'
 */
export function boardImageUrl(run: string, tag: string, index: number, k: number): string {
  return `api/image?${new URLSearchParams({ run, tag, index: String(index), k: String(k) })}`;
}

/**
 * Redraws the images view: each run/tag with a slider over its steps; `imageUrl` says where each image's bytes are
 * (default: the board server's `/api/image`).
 * @example
 *   const el = document.createElement('div');
 *   const points = { '.': { digits: [{ step: 1, wallTime: 1700000000, width: 28, height: 28, count: 1 }] } };
 *   drawImages(el, points, (run, tag, index, k) => `/my-images/${run}/${tag}/${index}/${k}.png`);
 */
export function drawImages(
  container: HTMLElement,
  all: ByRun<ImagePoint>,
  imageUrl: (run: string, tag: string, index: number, k: number) => string = boardImageUrl,
): void {
  for (const old of container.querySelectorAll('.chart')) old.remove();
  for (const run of Object.keys(all).sort()) {
    for (const tag of Object.keys(all[run]!).sort()) {
      const points = all[run]![tag]!;
      const el = card(`${tag} · ${run}`);
      const label = document.createElement('div');
      const slider = document.createElement('input');
      slider.type = 'range';
      slider.min = '0';
      slider.max = String(points.length - 1);
      slider.value = String(points.length - 1);
      const pictures = document.createElement('div');
      const show = () => {
        const index = Number(slider.value);
        const p = points[index]!;
        label.textContent = `step ${p.step} · ${p.width}×${p.height}`;
        pictures.replaceChildren(
          ...Array.from({ length: p.count }, (_, k) => {
            const img = document.createElement('img');
            img.src = imageUrl(run, tag, index, k);
            img.alt = `${tag} step ${p.step} #${k}`;
            img.className = 'summary-image';
            return img;
          }),
        );
      };
      slider.oninput = show;
      show();
      el.append(label, slider, pictures);
      container.append(el);
    }
  }
}

/**
 * Redraws the text view: every step of each run/tag, rendered as (escaped) markdown.
 * @example
 *   const el = document.createElement('div');
 *   drawTexts(el, { '.': { notes: [[1, 1700000000, '**bold** and `code`']] } });
 */
export function drawTexts(container: HTMLElement, all: ByRun<TextPoint>): void {
  for (const old of container.querySelectorAll('.chart')) old.remove();
  for (const run of Object.keys(all).sort()) {
    for (const tag of Object.keys(all[run]!).sort()) {
      const el = card(`${tag} · ${run}`);
      for (const [step, , text] of all[run]![tag]!) {
        const h = document.createElement('div');
        h.className = 'text-step';
        h.textContent = `step ${step}`;
        const body = document.createElement('div');
        body.className = 'markdown';
        body.innerHTML = renderMarkdown(text); // escaped by renderMarkdown
        el.append(h, body);
      }
      container.append(el);
    }
  }
}

/**
 * Redraws the run table: one row per run with its hyperparameters (its `hparams` text summary, or its nearest
 * parent run's), its last step and the last value of every scalar.
 * @example
 *   const el = document.createElement('div');
 *   drawRunTable(el, { '.': { loss: [[100, 1700000000, 0.25]] } }, { '.': { hparams: [[0, 1700000000, '| hparam | value |\n|---|---|\n| lr | 0.1 |']] } });
 */
export function drawRunTable(container: HTMLElement, scalars: Scalars, texts: ByRun<TextPoint>): void {
  const { columns, hparams, rows } = runTable(scalars, texts);
  const table = document.createElement('table');
  table.className = 'run-table';
  const head = table.createTHead().insertRow();
  columns.forEach((c, i) => {
    const th = document.createElement('th');
    th.textContent = c;
    if (i >= 1 && i <= hparams.length) th.className = 'hparam';
    head.append(th);
  });
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const v of row)
      tr.insertCell().textContent = v === null ? '' : typeof v === 'number' ? formatNumber(v) : String(v);
  }
  container.replaceChildren(table);
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(5))); // 5 digits, no trailing zeros
}
