import type { RunConfig } from '@estimatorjs/estimator';
import { ExperimentError } from './errors.js';

/** The schedules an Experiment can run, by TF's names. */
export type Schedule = 'train' | 'evaluate' | 'train_and_evaluate' | 'continuous_eval' | 'test';

/** Valid schedule names, for validation and `--help`. */
export const SCHEDULES: readonly Schedule[] = ['train', 'evaluate', 'train_and_evaluate', 'continuous_eval', 'test'];

/**
 * The schedule this task runs in a TF_CONFIG cluster (TF's learn_runner picks by task type): the evaluator runs
 * `continuous_eval` for a training schedule; the chief and the workers run `train` for `train_and_evaluate` (they
 * train in sync; evaluating on the chief would stall the workers' all-reduce); `ps` is refused.
 * @example
 *   import { RunConfig } from '@estimatorjs/estimator';
 *   scheduleForTask('train_and_evaluate', new RunConfig({ tfConfig: { cluster: { chief: ['a:1'], evaluator: ['b:1'] }, task: { type: 'evaluator', index: 0 } } })); // 'continuous_eval'
 */
export function scheduleForTask(schedule: Schedule, runConfig: RunConfig | undefined): Schedule {
  if (!runConfig) return schedule;
  if (runConfig.taskType === 'ps') {
    throw new ExperimentError(
      'UNSUPPORTED_TASK_TYPE',
      'learnRunner.run(): TF_CONFIG names this task "ps"; asynchronous parameter-server training is not implemented. Remove the "ps" job: the chief and the workers train in sync.',
    );
  }
  if (runConfig.taskType === 'evaluator') {
    return schedule === 'train' || schedule === 'train_and_evaluate' ? 'continuous_eval' : schedule;
  }
  const inCluster = Object.keys(runConfig.clusterSpec).length > 0;
  return inCluster && schedule === 'train_and_evaluate' ? 'train' : schedule;
}
