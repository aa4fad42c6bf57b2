export { type CompareTolerance, ConformanceError, compareRuns } from './compare-runs.js';
export {
  type ReferenceModel,
  type ReferenceRun,
  type TrainReferenceOptions,
  trainReference,
} from './train-reference.js';
