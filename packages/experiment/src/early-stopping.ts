/**
 * Early stopping (TF's `tf.estimator.experimental.stop_if_*` and `make_early_stopping_hook`): hooks for training
 * that read the eval metrics written so far and request a stop when a metric crossed a threshold or stopped
 * improving. Each check reads the whole history again, so the hooks are stateless and survive restarts.
 */
import { EveryN, type Hook, type RunContext } from '@estimatorjs/hooks';
import { ExperimentError } from './errors.js';
import { type EstimatorLike, type EvalMetrics, evalDirOf, evalHistory } from './eval-history.js';

/** Reads eval metrics by global step from an eval directory (TF's `read_eval_metrics`). */
export type ReadEvalMetrics = (evalDir: string) => EvalMetrics | Promise<EvalMetrics>;

/** How often an early-stopping hook checks: `runEverySecs` (default 60) or `runEverySteps`, not both. */
export interface EarlyStoppingTiming {
  readonly runEverySecs?: number;
  readonly runEverySteps?: number;
}

/** Options of the `stopIf*Hook` functions. */
export interface EarlyStoppingOptions extends EarlyStoppingTiming {
  /** Where the eval metrics are; default `modelDir/eval`. */
  readonly evalDir?: string;
  /** Ignore evaluations before this global step. Default 0. */
  readonly minSteps?: number;
  /**
   * Where the metrics come from. Default: the evaluations this process ran through `trainAndEvaluate`, an
   * `Experiment` or `continuousEvaluate`. To read the event files another process (an evaluator) writes, pass
   * `readEvalMetrics` from `@estimatorjs/experiment/node`.
   */
  readonly readEvalMetrics?: ReadEvalMetrics;
  /** Where the stop reason is logged; default `console.log`. Pass `null` for silence. */
  readonly log?: ((line: string) => void) | null;
}

/**
 * A hook that calls `shouldStopFn` every `runEverySecs` seconds (default 60) or `runEverySteps` steps and requests
 * a stop when it returns true (TF's `make_early_stopping_hook`).
 * @example
 *   const hook = makeEarlyStoppingHook(estimator, () => Date.now() > deadline, { runEverySteps: 10 });
 */
export function makeEarlyStoppingHook(
  estimator: EstimatorLike,
  shouldStopFn: () => boolean | Promise<boolean>,
  timing: EarlyStoppingTiming = {},
): Hook {
  void estimator;
  if (typeof shouldStopFn !== 'function') {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `makeEarlyStoppingHook(): shouldStopFn must be a function returning a boolean. Received ${typeof shouldStopFn}.`,
    );
  }
  const { runEverySecs, runEverySteps } = timing;
  if (runEverySecs !== undefined && runEverySteps !== undefined) {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `makeEarlyStoppingHook(): pass runEverySecs or runEverySteps, not both. Received runEverySecs=${runEverySecs}, runEverySteps=${runEverySteps}.`,
    );
  }
  const timer = new EveryN(runEverySteps !== undefined ? { steps: runEverySteps } : { secs: runEverySecs ?? 60 });
  return {
    key: 'StopOnPredicateHook',
    async afterRun(ctx: RunContext) {
      if (!timer.shouldTrigger(ctx.globalStep)) return;
      timer.markTriggered(ctx.globalStep);
      if (await shouldStopFn()) ctx.requestStop('early stopping: the stop condition is met');
    },
  };
}

type Better = (a: number, b: number) => boolean;

function metricOf(api: string, metrics: Readonly<Record<string, number>>, name: string, step: number): number {
  const v = metrics[name];
  if (typeof v !== 'number') {
    throw new ExperimentError(
      'UNKNOWN_METRIC',
      `${api}: metric ${JSON.stringify(name)} is not in the eval results at step ${step}; expected one of ${Object.keys(metrics).join(', ')}.`,
    );
  }
  return v;
}

function reader(estimator: EstimatorLike, options: EarlyStoppingOptions): () => Promise<EvalMetrics> {
  const dir = options.evalDir ?? evalDirOf(estimator);
  const read = options.readEvalMetrics ?? ((d: string) => evalHistory(estimator, d));
  return async () => new Map([...(await read(dir))].sort(([a], [b]) => a - b));
}

function thresholdHook(
  api: string,
  estimator: EstimatorLike,
  metricName: string,
  threshold: number,
  crossed: Better,
  words: string,
  options: EarlyStoppingOptions,
): Hook {
  const read = reader(estimator, options);
  const log = options.log === undefined ? console.log : options.log;
  return makeEarlyStoppingHook(
    estimator,
    async () => {
      for (const [step, metrics] of await read()) {
        if (step < (options.minSteps ?? 0)) continue;
        const v = metricOf(api, metrics, metricName, step);
        if (crossed(v, threshold)) {
          log?.(`At step ${step}, metric "${metricName}" = ${v} is ${words} ${threshold}: stopping training.`);
          return true;
        }
      }
      return false;
    },
    options,
  );
}

function noImprovementHook(
  api: string,
  estimator: EstimatorLike,
  metricName: string,
  maxStepsWithoutImprovement: number,
  better: Better,
  words: string,
  options: EarlyStoppingOptions,
): Hook {
  if (!(Number.isFinite(maxStepsWithoutImprovement) && maxStepsWithoutImprovement > 0)) {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `${api}: the number of steps without improvement must be > 0. Received ${String(maxStepsWithoutImprovement)}.`,
    );
  }
  const read = reader(estimator, options);
  const log = options.log === undefined ? console.log : options.log;
  return makeEarlyStoppingHook(
    estimator,
    async () => {
      let best: number | null = null;
      let bestStep = 0;
      for (const [step, metrics] of await read()) {
        if (step < (options.minSteps ?? 0)) continue;
        const v = metricOf(api, metrics, metricName, step);
        if (best === null || better(v, best)) {
          best = v;
          bestStep = step;
        }
        if (step - bestStep >= maxStepsWithoutImprovement) {
          log?.(
            `No ${words} in metric "${metricName}" for ${step - bestStep} steps, which is at least ${maxStepsWithoutImprovement} (best ${best} at step ${bestStep}): stopping training.`,
          );
          return true;
        }
      }
      return false;
    },
    options,
  );
}

/**
 * Stops training once an evaluation's `metricName` is above `threshold` (TF's `stop_if_higher_hook`).
 * @example
 *   const hook = stopIfHigherHook(estimator, 'accuracy', 0.99, { runEverySteps: 100 });
 */
export function stopIfHigherHook(
  estimator: EstimatorLike,
  metricName: string,
  threshold: number,
  options: EarlyStoppingOptions = {},
): Hook {
  return thresholdHook('stopIfHigherHook()', estimator, metricName, threshold, (a, b) => a > b, 'higher than', options);
}

/**
 * Stops training once an evaluation's `metricName` is below `threshold` (TF's `stop_if_lower_hook`).
 * @example
 *   const hook = stopIfLowerHook(estimator, 'loss', 0.05, { runEverySteps: 100 });
 */
export function stopIfLowerHook(
  estimator: EstimatorLike,
  metricName: string,
  threshold: number,
  options: EarlyStoppingOptions = {},
): Hook {
  return thresholdHook('stopIfLowerHook()', estimator, metricName, threshold, (a, b) => a < b, 'lower than', options);
}

/**
 * Stops training when `metricName` has not decreased for `maxStepsWithoutDecrease` global steps of evaluations
 * (TF's `stop_if_no_decrease_hook`).
 * @example
 *   const hook = stopIfNoDecreaseHook(estimator, 'loss', 1000, { minSteps: 500 });
 */
export function stopIfNoDecreaseHook(
  estimator: EstimatorLike,
  metricName: string,
  maxStepsWithoutDecrease: number,
  options: EarlyStoppingOptions = {},
): Hook {
  return noImprovementHook(
    'stopIfNoDecreaseHook()',
    estimator,
    metricName,
    maxStepsWithoutDecrease,
    (a, b) => a < b,
    'decrease',
    options,
  );
}

/**
 * Stops training when `metricName` has not increased for `maxStepsWithoutIncrease` global steps of evaluations
 * (TF's `stop_if_no_increase_hook`).
 * @example
 *   const hook = stopIfNoIncreaseHook(estimator, 'accuracy', 1000);
 */
export function stopIfNoIncreaseHook(
  estimator: EstimatorLike,
  metricName: string,
  maxStepsWithoutIncrease: number,
  options: EarlyStoppingOptions = {},
): Hook {
  return noImprovementHook(
    'stopIfNoIncreaseHook()',
    estimator,
    metricName,
    maxStepsWithoutIncrease,
    (a, b) => a > b,
    'increase',
    options,
  );
}
