import { keysOf } from '@estimatorjs/errors';
import type { InputFn } from '@estimatorjs/estimator';
import type { Hook } from '@estimatorjs/hooks';
import { ExperimentError } from './errors.js';
import type { Exporter } from './exporter.js';
import { checkOptions } from './internal/check-options.js';

/** Options of {@link TrainSpec}. */
export interface TrainSpecOptions<P = unknown> {
  readonly inputFn: InputFn<P>;
  /** Train until the global step reaches this; default: until the input ends. */
  readonly maxSteps?: number;
  readonly hooks?: readonly Hook[];
}

/**
 * What to train in {@link trainAndEvaluate} (TF's `tf.estimator.TrainSpec`).
 * @example
 *   const trainSpec = new TrainSpec({ inputFn: trainInputFn, maxSteps: 5000 });
 */
const TRAIN_SPEC_KEYS = keysOf<TrainSpecOptions>()(['inputFn', 'maxSteps', 'hooks']);
const EVAL_SPEC_KEYS = keysOf<EvalSpecOptions>()([
  'inputFn',
  'steps',
  'name',
  'hooks',
  'exporters',
  'startDelaySecs',
  'throttleSecs',
]);

/**
 * What `trainAndEvaluate` trains on (TF's `tf.estimator.TrainSpec`): the input_fn, the step to stop at, extra hooks.
 * @example
 *   const trainSpec = new TrainSpec({ inputFn: trainInputFn, maxSteps: 5000 });
 */
export class TrainSpec<P = unknown> {
  readonly inputFn: InputFn<P>;
  readonly maxSteps: number | undefined;
  readonly hooks: readonly Hook[];

  constructor(options: TrainSpecOptions<P>) {
    const api = 'new TrainSpec()';
    checkOptions(api, options, TRAIN_SPEC_KEYS);
    if (typeof options?.inputFn !== 'function') {
      throw new ExperimentError(
        'INVALID_ARGUMENT',
        `${api}: inputFn must be a function returning a Dataset. Received ${typeof options?.inputFn}.`,
      );
    }
    positiveInt(api, 'maxSteps', options.maxSteps);
    hookList(api, options.hooks);
    this.inputFn = options.inputFn;
    this.maxSteps = options.maxSteps;
    this.hooks = [...(options.hooks ?? [])];
  }
}

/** Options of {@link EvalSpec}. */
export interface EvalSpecOptions<P = unknown> {
  readonly inputFn: InputFn<P>;
  /** Batches per evaluation; default 100 (TF's); `null` evaluates until the input ends. */
  readonly steps?: number | null;
  /** Evaluation name: results go to `modelDir/eval_<name>` (default `modelDir/eval`). */
  readonly name?: string;
  readonly hooks?: readonly Hook[];
  readonly exporters?: readonly Exporter[];
  /** A separate evaluator process waits this long before its first evaluation; default 120 (TF's). */
  readonly startDelaySecs?: number;
  /** Do not evaluate again until this many seconds after the last evaluation started; default 600 (TF's). */
  readonly throttleSecs?: number;
}

/**
 * What to evaluate in {@link trainAndEvaluate}, when, and what to export (TF's `tf.estimator.EvalSpec`).
 * @example
 *   const evalSpec = new EvalSpec({ inputFn: evalInputFn, steps: null, throttleSecs: 60, exporters: [new BestExporter({ name: 'best' })] });
 */
export class EvalSpec<P = unknown> {
  readonly inputFn: InputFn<P>;
  readonly steps: number | null;
  readonly name: string | undefined;
  readonly hooks: readonly Hook[];
  readonly exporters: readonly Exporter[];
  readonly startDelaySecs: number;
  readonly throttleSecs: number;

  constructor(options: EvalSpecOptions<P>) {
    const api = 'new EvalSpec()';
    checkOptions(api, options, EVAL_SPEC_KEYS);
    if (typeof options?.inputFn !== 'function') {
      throw new ExperimentError(
        'INVALID_ARGUMENT',
        `${api}: inputFn must be a function returning a Dataset. Received ${typeof options?.inputFn}.`,
      );
    }
    if (options.steps !== null) positiveInt(api, 'steps', options.steps);
    for (const key of ['startDelaySecs', 'throttleSecs'] as const) {
      const v = options[key];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
        throw new ExperimentError('INVALID_ARGUMENT', `${api}: ${key} must be a number >= 0. Received ${String(v)}.`);
      }
    }
    if (options.name !== undefined && !/^[\w.-]+$/.test(options.name)) {
      throw new ExperimentError(
        'INVALID_ARGUMENT',
        `${api}: name must be letters, digits, '_', '.' or '-'. Received ${JSON.stringify(options.name)}.`,
      );
    }
    hookList(api, options.hooks);
    const exporters = options.exporters ?? [];
    const names = new Set<string>();
    for (const [i, e] of exporters.entries()) {
      if (!e || typeof e.export !== 'function' || typeof e.name !== 'string') {
        throw new ExperimentError(
          'INVALID_ARGUMENT',
          `${api}: exporters[${i}] must be an Exporter (LatestExporter, BestExporter, FinalExporter or {name, export}). Received ${typeof e}.`,
        );
      }
      if (names.has(e.name)) {
        throw new ExperimentError(
          'INVALID_ARGUMENT',
          `${api}: two exporters are named ${JSON.stringify(e.name)}; each needs its own directory under export/.`,
        );
      }
      names.add(e.name);
    }
    this.inputFn = options.inputFn;
    this.steps = options.steps === undefined ? 100 : options.steps;
    this.name = options.name;
    this.hooks = [...(options.hooks ?? [])];
    this.exporters = [...exporters];
    this.startDelaySecs = options.startDelaySecs ?? 120;
    this.throttleSecs = options.throttleSecs ?? 600;
  }
}

function positiveInt(api: string, key: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
    throw new ExperimentError('INVALID_ARGUMENT', `${api}: ${key} must be an integer > 0. Received ${String(v)}.`);
  }
}

function hookList(api: string, hooks: unknown): void {
  if (hooks !== undefined && !Array.isArray(hooks)) {
    throw new ExperimentError('INVALID_ARGUMENT', `${api}: hooks must be an array of hooks. Received ${typeof hooks}.`);
  }
}
