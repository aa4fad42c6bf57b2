/**
 * `@estimatorjs/board/components`: the board's charts for any web page (the browser example draws its IndexedDB
 * runs with them). Import `uplot/dist/uPlot.min.css` once in the page.
 */
export { type ChartData, chartData, type Point, type RunSeries, toCsv, type XAxis } from './chart-data.js';
export { type ChartSettings, ScalarChart, type ScalarChartOptions } from './scalar-chart.js';
export { readIndexedDbRuns, type ScalarsFromEvents, scalarsFromEvents } from './scalars-from-events.js';
