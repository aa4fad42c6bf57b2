/**
 * The histograms, images and text views: one card per run and tag. Histograms are overlaid per step (the newest
 * steps, older ones fainter), images have a step slider, text shows every step.
 */
import uPlot from 'uplot';
import { renderMarkdown } from './markdown.js';

import {
  type ByRun,
  type HistogramPoint,
  histogramData,
  type ImagePoint,
  runTable,
  type Scalars,
  type TextPoint,
} from './view-data.js';

export type { ByRun, HistogramPoint, ImagePoint, TextPoint } from './view-data.js';

function card(title: string): HTMLElement {
  const el = document.createElement('div');
  el.className = 'chart';
  const h = document.createElement('h3');
  h.textContent = title;
  el.append(h);
  return el;
}

/** Redraws the histograms view; returns each chart's plot by `run/tag` for the debug hook. */
export function drawHistograms(container: HTMLElement, all: ByRun<HistogramPoint>, color: (run: string) => string) {
  const plots = new Map<string, uPlot>();
  for (const old of container.querySelectorAll('.chart')) old.remove();
  for (const run of Object.keys(all).sort()) {
    for (const tag of Object.keys(all[run]!).sort()) {
      const { steps, data } = histogramData(all[run]![tag]!);
      const el = card(`${tag} · ${run}`);
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
  return plots;
}

/** Redraws the images view: each run/tag with a slider over its steps. */
export function drawImages(container: HTMLElement, all: ByRun<ImagePoint>): void {
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
            const q = new URLSearchParams({ run, tag, index: String(index), k: String(k) });
            img.src = `api/image?${q}`;
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

/** Redraws the text view: every step of each run/tag, rendered as (escaped) markdown. */
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

/** Redraws the run table. */
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
