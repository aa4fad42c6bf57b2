/**
 * Kept so `./metrics.js` imports inside the package keep resolving; the metrics live in `./metrics/`.
 * New code imports from `./metrics/index.js`.
 */
export {
  type AucOptions,
  type AucSummationMethod,
  type MetricOp,
  type MetricOptions,
  metrics,
} from './metrics/index.js';
