import { keysOf } from '@estimatorjs/errors';
/**
 * Experiment: owns when to train and when to evaluate (TF's `tf.contrib.learn.Experiment`). Does not own the
 * training or evaluation loops (the Estimator) or the hooks' behaviour (@estimatorjs/hooks).
 */
import {
  type Estimator,
  type EvalResults,
  type InputFn,
  latestCheckpoint,
  type RunConfig,
} from '@estimatorjs/estimator';
import type { CheckpointSaverListener, Hook } from '@estimatorjs/hooks';
import { continuousEvaluate } from './continuous-evaluate.js';
import { ExperimentError } from './errors.js';
import { recordEvalResults } from './eval-history.js';
import type { ExportStore } from './export-store.js';
import type { Exporter } from './exporter.js';
import { checkOptions } from './internal/check-options.js';
import { SCHEDULES, type Schedule, scheduleForTask } from './schedules.js';
import { EvalSpec } from './specs.js';

export { SCHEDULES, type Schedule };

/** Options of {@link Experiment}, TF's constructor arguments in camelCase. */
export interface ExperimentOptions<P> {
  readonly estimator: Estimator<P>;
  readonly trainInputFn: InputFn<P>;
  readonly evalInputFn: InputFn<P>;
  /** Train until the global step reaches this (absolute, like TF's `train_steps` → `max_steps`). */
  readonly trainSteps?: number;
  /** Evaluate this many batches (default: the whole eval input). */
  readonly evalSteps?: number;
  /** In `trainAndEvaluate`, evaluate after a checkpoint only when this many steps passed since the last evaluation (default 1: every checkpoint). */
  readonly minEvalFrequency?: number;
  /** Hooks for training (TF's `train_monitors`). */
  readonly trainMonitors?: readonly Hook[];
  /** Hooks for evaluation (TF's `eval_hooks`). */
  readonly evalHooks?: readonly Hook[];
  /** `continuous_eval`: seconds to wait before the first evaluation (TF's `eval_delay_secs`, default 120). */
  readonly evalDelaySecs?: number;
  /** `continuous_eval`: at most one evaluation per this many seconds (TF's `continuous_eval_throttle_secs`, default 60). */
  readonly continuousEvalThrottleSecs?: number;
  /** `continuous_eval`: how often to look for a new checkpoint when none is ready (default 1 s). */
  readonly continuousEvalPollSecs?: number;
  /** `continuous_eval`: give up when no new checkpoint appeared for this long (default: wait until `trainSteps`). */
  readonly continuousEvalTimeoutSecs?: number;
  /**
   * Exporters run after every evaluation (TF's `export_strategies`), writing into `modelDir/export/<name>/`; give
   * them a `servingInputReceiverFn` for servable exports.
   */
  readonly exportStrategies?: readonly Exporter[];
  /** Where the export strategies write (in Node: `fileExportStore` from `@estimatorjs/experiment/node`). */
  readonly exportStore?: ExportStore;
  /** Where log lines go; default `console.log`. */
  readonly log?: (line: string) => void;
}

const EXPERIMENT_KEYS = keysOf<ExperimentOptions<unknown>>()([
  'estimator',
  'trainInputFn',
  'evalInputFn',
  'trainSteps',
  'evalSteps',
  'minEvalFrequency',
  'trainMonitors',
  'evalHooks',
  'evalDelaySecs',
  'continuousEvalThrottleSecs',
  'continuousEvalPollSecs',
  'continuousEvalTimeoutSecs',
  'exportStrategies',
  'exportStore',
  'log',
]);

/**
 * Pairs an Estimator with its train and eval inputs and runs them on a schedule.
 * @example
 *   const experiment = new Experiment({ estimator, trainInputFn, evalInputFn, trainSteps: 5000, minEvalFrequency: 100 });
 *   await experiment.trainAndEvaluate();
 */
export class Experiment<P = unknown> {
  readonly estimator: Estimator<P>;
  /** Results of every evaluation this Experiment ran, in order. */
  readonly evalResults: EvalResults[] = [];
  private readonly options: ExperimentOptions<P>;

  constructor(options: ExperimentOptions<P>) {
    checkOptions('new Experiment()', options, EXPERIMENT_KEYS);
    const o = options;
    if (!o?.estimator || typeof (o.estimator as { train?: unknown }).train !== 'function') {
      throw new ExperimentError(
        'INVALID_ARGUMENT',
        `new Experiment(): estimator must be an Estimator. Received ${typeof o?.estimator}.`,
      );
    }
    for (const key of ['trainInputFn', 'evalInputFn'] as const) {
      if (typeof o[key] !== 'function') {
        throw new ExperimentError(
          'INVALID_ARGUMENT',
          `new Experiment(): ${key} must be a function returning a Dataset. Received ${typeof o[key]}.`,
        );
      }
    }
    for (const key of [
      'evalDelaySecs',
      'continuousEvalThrottleSecs',
      'continuousEvalPollSecs',
      'continuousEvalTimeoutSecs',
    ] as const) {
      const v = o[key];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
        throw new ExperimentError(
          'INVALID_ARGUMENT',
          `new Experiment(): ${key} must be a number >= 0. Received ${String(v)}.`,
        );
      }
    }
    for (const key of ['trainSteps', 'evalSteps', 'minEvalFrequency'] as const) {
      const v = o[key];
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
        throw new ExperimentError(
          'INVALID_ARGUMENT',
          `new Experiment(): ${key} must be an integer > 0. Received ${String(v)}.`,
        );
      }
    }
    this.estimator = o.estimator;
    this.options = o;
  }

  /** Trains until `trainSteps` (TF's `Experiment.train`). */
  async train(): Promise<void> {
    await this.estimator.train(this.options.trainInputFn, {
      ...(this.options.trainSteps !== undefined ? { maxSteps: this.options.trainSteps } : {}),
      hooks: this.options.trainMonitors ?? [],
    });
  }

  /** Evaluates the latest checkpoint once (TF's `Experiment.evaluate`). */
  async evaluate(): Promise<EvalResults> {
    const exporters = this.options.exportStrategies ?? [];
    // Pin the checkpoint so the exports are of the model that was evaluated, even if training saves meanwhile.
    const prefix = exporters.length > 0 ? await latestCheckpoint(this.estimator.storage) : null;
    const results = await this.estimator.evaluate(this.options.evalInputFn, {
      ...(this.options.evalSteps !== undefined ? { steps: this.options.evalSteps } : {}),
      hooks: this.options.evalHooks ?? [],
      ...(prefix !== null ? { checkpointPath: prefix } : {}),
    });
    recordEvalResults(this.estimator, results);
    this.evalResults.push(results);
    if (prefix !== null) {
      const trainSteps = this.options.trainSteps;
      for (const exporter of exporters) {
        await exporter.export({
          estimator: this.estimator as Estimator<unknown>,
          exportPath: `${this.estimator.modelDir.replace(/[\\/]+$/, '')}/export/${exporter.name}`,
          checkpointPath: prefix,
          evalResult: results,
          isTheFinalExport: trainSteps !== undefined && results.globalStep >= trainSteps,
          ...(this.options.exportStore ? { store: this.options.exportStore } : {}),
        });
      }
    }
    return results;
  }

  /**
   * Evaluates every new checkpoint in the model directory once, until one at `trainSteps` (TF's
   * `Experiment.continuous_eval`). Meant to run as its own process beside a `train` process on the same model
   * directory. Returns the last results, or null when it gave up before any checkpoint appeared.
   */
  async continuousEval(options: { signal?: AbortSignal } = {}): Promise<EvalResults | null> {
    const o = this.options;
    const spec = new EvalSpec<P>({
      inputFn: o.evalInputFn,
      steps: o.evalSteps ?? null,
      hooks: o.evalHooks ?? [],
      startDelaySecs: o.evalDelaySecs ?? 120,
      throttleSecs: o.continuousEvalThrottleSecs ?? 60,
    });
    const last = await continuousEvaluate(this.estimator, spec, {
      ...(o.trainSteps !== undefined ? { maxSteps: o.trainSteps } : {}),
      ...(o.continuousEvalPollSecs !== undefined ? { pollSecs: o.continuousEvalPollSecs } : {}),
      ...(o.continuousEvalTimeoutSecs !== undefined ? { timeoutSecs: o.continuousEvalTimeoutSecs } : {}),
      ...(o.log ? { log: o.log } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      onEvaluation: (r) => void this.evalResults.push(r.evalResult),
    });
    return last?.evalResult ?? null;
  }

  /**
   * Trains until `trainSteps`, evaluating after each checkpoint that comes at least `minEvalFrequency` steps after
   * the previous evaluation, and once more at the end (TF's `Experiment.train_and_evaluate`).
   */
  async trainAndEvaluate(): Promise<EvalResults | null> {
    const every = this.options.minEvalFrequency ?? 1;
    let lastEval: number | null = null;
    let last: EvalResults | null = null;
    const evalAfterSave: CheckpointSaverListener = {
      afterSave: async (step) => {
        if (lastEval !== null && step - lastEval < every) return undefined;
        lastEval = step;
        last = await this.evaluate();
        return undefined;
      },
    };
    await this.estimator.train(this.options.trainInputFn, {
      ...(this.options.trainSteps !== undefined ? { maxSteps: this.options.trainSteps } : {}),
      hooks: this.options.trainMonitors ?? [],
      savingListeners: [evalAfterSave],
    });
    const step = this.estimator.globalStep;
    if (lastEval !== step) {
      lastEval = step;
      last = await this.evaluate();
    }
    return last;
  }

  /** Trains then evaluates once, for smoke tests (TF's `Experiment.test`: one step of each). */
  async test(): Promise<EvalResults> {
    await this.estimator.train(this.options.trainInputFn, { steps: 1, hooks: this.options.trainMonitors ?? [] });
    const results = await this.estimator.evaluate(this.options.evalInputFn, {
      steps: 1,
      hooks: this.options.evalHooks ?? [],
    });
    recordEvalResults(this.estimator, results);
    this.evalResults.push(results);
    return results;
  }

  /** Runs a schedule by name; in a TF_CONFIG cluster the task's role adjusts it as learnRunner does. */
  async run(asked: Schedule): Promise<unknown> {
    const schedule = scheduleForTask(asked, (this.estimator as { config?: RunConfig }).config);
    switch (schedule) {
      case 'train':
        return this.train();
      case 'evaluate':
        return this.evaluate();
      case 'train_and_evaluate':
        return this.trainAndEvaluate();
      case 'continuous_eval':
        return this.continuousEval();
      case 'test':
        return this.test();
      default:
        throw new ExperimentError(
          'INVALID_SCHEDULE',
          `Experiment.run(): unknown schedule ${JSON.stringify(schedule)}; expected one of ${SCHEDULES.join(', ')}.`,
        );
    }
  }
}
