import type { EstimatorOptions, EvaluateOptions, PredictOptions, TrainOptions } from '../estimator.js';
import type { RunConfigOptions } from '../run-config.js';

/**
 * `keys` of T, checked by the compiler to be every key of T and nothing else: adding a field to an options
 * interface without listing it here is a type error, so a new option can never be refused as unknown.
 */
export function allKeysOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K &
      ([Exclude<keyof T & string, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> }),
  ): readonly string[] => keys;
}

/** The option names each public configuration object accepts (one list per interface). */
export const KNOWN_OPTIONS = {
  runConfig: allKeysOf<RunConfigOptions>()([
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
  ]),
  estimator: allKeysOf<EstimatorOptions<unknown>>()(['modelFn', 'config', 'params', 'warmStartFrom', 'log']),
  train: allKeysOf<TrainOptions>()(['steps', 'maxSteps', 'hooks', 'savingListeners']),
  evaluate: allKeysOf<EvaluateOptions>()(['steps', 'hooks', 'checkpointPath', 'name']),
  predict: allKeysOf<PredictOptions>()(['predictKeys', 'checkpointPath', 'yieldSingleExamples', 'hooks']),
} as const;
