import { keysOf } from '@estimatorjs/errors';
import type { EstimatorOptions, EvaluateOptions, PredictOptions, TrainOptions } from '../estimator.js';
import type { RunConfigOptions } from '../run-config.js';

/** The option names each public configuration object accepts (one list per interface). */
export const KNOWN_OPTIONS = {
  runConfig: keysOf<RunConfigOptions>()([
    'modelDir',
    'randomSeed',
    'saveSummarySteps',
    'saveCheckpointsSteps',
    'saveCheckpointsSecs',
    'keepCheckpointMax',
    'keepCheckpointEveryNHours',
    'logStepCountSteps',
    'saveInputState',
    'storage',
    'rebuildCheckpointState',
    'tfConfig',
    'trainDistribute',
  ]),
  estimator: keysOf<EstimatorOptions<unknown>>()(['modelFn', 'config', 'params', 'warmStartFrom', 'log']),
  train: keysOf<TrainOptions>()(['steps', 'maxSteps', 'hooks', 'savingListeners']),
  evaluate: keysOf<EvaluateOptions>()(['steps', 'hooks', 'checkpointPath', 'name']),
  predict: keysOf<PredictOptions>()(['predictKeys', 'checkpointPath', 'yieldSingleExamples', 'hooks']),
} as const;
