/**
 * `@estimatorjs/board/components`: the board's charts and views for any web page (the browser example draws its
 * IndexedDB runs with them; the board's page draws every tab but the graph with them). Import
 * `uplot/dist/uPlot.min.css` once in the page.
 */
export { type ChartData, chartData, type Point, type RunSeries, toCsv, type XAxis } from './chart-data.js';
export { renderMarkdown } from './markdown.js';
export { type ChartSettings, ScalarChart, type ScalarChartOptions } from './scalar-chart.js';
export { readIndexedDbRuns, type ScalarsFromEvents, scalarsFromEvents } from './scalars-from-events.js';
export {
  boardImageUrl,
  drawHistograms,
  drawImages,
  drawRunTable,
  drawTexts,
  type HistogramMode,
  type HistogramsDrawn,
} from './summary-views.js';
export type { ByRun, HistogramPoint, ImagePoint, Ridgeline, Rows, Scalars, TextPoint } from './view-data.js';
