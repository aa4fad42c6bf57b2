export { fileExportStore } from './file-export-store.js';
export { readEvalMetrics } from './read-eval-metrics.js';
