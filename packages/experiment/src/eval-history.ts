/**
 * The evaluations this process ran, per model directory and eval name: the in-process source of eval metrics for
 * the early-stopping hooks when no event files can be read (memory or browser storage). Owns: recording and reading
 * results. Does not own: running evaluations.
 */
import type { EvalResults, ModelDirStorage } from '@estimatorjs/estimator';

/** Eval metrics by global step (TF's `read_eval_metrics` result). */
export type EvalMetrics = ReadonlyMap<number, Readonly<Record<string, number>>>;

/** The part of an Estimator the eval history and early stopping need. */
export interface EstimatorLike {
  readonly modelDir: string;
  readonly storage: ModelDirStorage;
}

const history = new WeakMap<ModelDirStorage, Map<string, Map<number, Readonly<Record<string, number>>>>>();

/**
 * The eval directory of an evaluation name, as the Estimator writes it: `modelDir/eval` or `modelDir/eval_<name>`.
 * @example
 *   const dir = evalDirOf(estimator, 'holdout'); // '<modelDir>/eval_holdout'
 */
export function evalDirOf(estimator: EstimatorLike, name?: string): string {
  return `${estimator.modelDir.replace(/[\\/]+$/, '')}/${name ? `eval_${name}` : 'eval'}`;
}

/**
 * Records an evaluation's results (every evaluation run through this package is recorded).
 * @example
 *   recordEvalResults(estimator, await estimator.evaluate(evalInputFn));
 */
export function recordEvalResults(estimator: EstimatorLike, results: EvalResults, name?: string): void {
  let dirs = history.get(estimator.storage);
  if (!dirs) {
    dirs = new Map();
    history.set(estimator.storage, dirs);
  }
  const dir = evalDirOf(estimator, name);
  let byStep = dirs.get(dir);
  if (!byStep) {
    byStep = new Map();
    dirs.set(dir, byStep);
  }
  const { globalStep, ...metrics } = results;
  byStep.set(globalStep, { ...metrics, global_step: globalStep });
}

/**
 * The eval metrics this process recorded for `evalDir` of the estimator's model directory, sorted by step.
 * @example
 *   const metrics = evalHistory(estimator); // Map { 100 => { accuracy: 0.9, loss: 0.3, global_step: 100 }, ... }
 */
export function evalHistory(estimator: EstimatorLike, evalDir: string = evalDirOf(estimator)): EvalMetrics {
  const byStep = history.get(estimator.storage)?.get(evalDir) ?? new Map();
  return new Map([...byStep].sort(([a], [b]) => a - b));
}
