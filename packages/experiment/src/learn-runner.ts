import { keysOf } from '@estimatorjs/errors';
import type { HParams, RunConfig } from '@estimatorjs/estimator';
import { ExperimentError } from './errors.js';
import { Experiment } from './experiment.js';
import { checkOptions } from './internal/check-options.js';
import { SCHEDULES, type Schedule, scheduleForTask } from './schedules.js';

/** What learnRunner needs of an Experiment: something that runs a schedule. */
export interface SchedulableExperiment {
  run(schedule: Schedule): Promise<unknown>;
}

/** Builds the Experiment from the run configuration and hyperparameters (TF's `experiment_fn`). */
export type ExperimentFn<H = HParams> = (
  runConfig: RunConfig,
  hparams: H,
) => SchedulableExperiment | Promise<SchedulableExperiment>;

/** Options of {@link learnRunner.run}. */
export interface LearnRunnerOptions<H> {
  readonly runConfig: RunConfig;
  /** Default `'train_and_evaluate'`. */
  readonly schedule?: Schedule | string;
  readonly hparams: H;
}

/**
 * Creates the Experiment with `experimentFn` and runs the schedule (TF's `learn_runner.run`).
 * @example
 *   await learnRunner.run(experimentFn, { runConfig, schedule: 'train_and_evaluate', hparams });
 */
async function run<H>(experimentFn: ExperimentFn<H>, options: LearnRunnerOptions<H>): Promise<unknown> {
  if (typeof experimentFn !== 'function') {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `learnRunner.run(): experimentFn must be a function (runConfig, hparams) => Experiment. Received ${typeof experimentFn}.`,
    );
  }
  checkOptions('learnRunner.run()', options, keysOf<LearnRunnerOptions<H>>()(['runConfig', 'schedule', 'hparams']));
  const asked = options.schedule ?? 'train_and_evaluate';
  if (!(SCHEDULES as readonly string[]).includes(asked)) {
    throw new ExperimentError(
      'INVALID_SCHEDULE',
      `learnRunner.run(): unknown schedule ${JSON.stringify(asked)}; expected one of ${SCHEDULES.join(', ')}.`,
    );
  }
  const schedule = scheduleForTask(asked as Schedule, options.runConfig);
  const experiment = await experimentFn(options.runConfig, options.hparams);
  if (!(experiment instanceof Experiment)) {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `learnRunner.run(): experimentFn must return an Experiment. Received ${typeof experiment}.`,
    );
  }
  return experiment.run(schedule as Schedule);
}

/** TF's `tf.contrib.learn.learn_runner`. */
export const learnRunner = { run } as const;
