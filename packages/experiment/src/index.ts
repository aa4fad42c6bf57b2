export { BestExporter, type BestExporterOptions } from './best-exporter.js';
export { type ContinuousEvaluateOptions, continuousEvaluate } from './continuous-evaluate.js';
export {
  type EarlyStoppingOptions,
  type EarlyStoppingTiming,
  makeEarlyStoppingHook,
  type ReadEvalMetrics,
  stopIfHigherHook,
  stopIfLowerHook,
  stopIfNoDecreaseHook,
  stopIfNoIncreaseHook,
} from './early-stopping.js';
export { ExperimentError, FlagError } from './errors.js';
export { type EstimatorLike, type EvalMetrics, evalDirOf, evalHistory, recordEvalResults } from './eval-history.js';
export type { EvalAndExportResult } from './evaluate-and-export.js';
export { Experiment, type ExperimentOptions } from './experiment.js';
export { type ExportStore, MemoryExportStore } from './export-store.js';
export {
  EXPORT_DESCRIPTION_FILE,
  type ExportContext,
  type ExportDescription,
  type Exporter,
  type ExporterOptions,
  listExports,
  readExportDescription,
} from './exporter.js';
export { FinalExporter } from './final-exporter.js';
export {
  type DefineFlagsOptions,
  defineFlags,
  FlagSet,
  type FlagSpec,
  type FlagValue,
  type FlagValues,
  type ParsedFlags,
  type ParseFlagsOptions,
  parseFlags,
  STANDARD_FLAGS,
} from './flags.js';
export { LatestExporter, type LatestExporterOptions } from './latest-exporter.js';
export { type ExperimentFn, type LearnRunnerOptions, learnRunner, type SchedulableExperiment } from './learn-runner.js';
export { SCHEDULES, type Schedule, scheduleForTask } from './schedules.js';
export { EvalSpec, type EvalSpecOptions, TrainSpec, type TrainSpecOptions } from './specs.js';
export { type TrainAndEvaluateOptions, trainAndEvaluate } from './train-and-evaluate.js';
