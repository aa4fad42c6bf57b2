/**
 * `trainAndEvaluate` (TF's `tf.estimator.train_and_evaluate`). Local mode: trains, evaluating after a checkpoint
 * save whenever `evalSpec.throttleSecs` passed since the last evaluation, and once more after training ends;
 * runs the exporters after each evaluation. In a TF_CONFIG cluster the task's role decides, as in TF: the chief and
 * the workers only train (in sync; the chief writes), the evaluator evaluates each new checkpoint, `ps` is refused.
 * Owns: when to evaluate and export. Does not own: the loops.
 */

import { type Estimator, latestCheckpoint } from '@estimatorjs/estimator';
import type { CheckpointSaverListener } from '@estimatorjs/hooks';
import { continuousEvaluate } from './continuous-evaluate.js';
import { ExperimentError } from './errors.js';
import { type EvalAndExportResult, evaluateAndExport } from './evaluate-and-export.js';
import type { ExportStore } from './export-store.js';
import type { EvalSpec, TrainSpec } from './specs.js';

/** Options of {@link trainAndEvaluate}. */
export interface TrainAndEvaluateOptions {
  /** Where exporters write unless they have their own store (`fileExportStore` from `@estimatorjs/experiment/node`). */
  readonly exportStore?: ExportStore;
  /**
   * `'local'`: train and evaluate in this process. `'evaluator'`: only evaluate each new checkpoint the trainer
   * (another process) writes, after `startDelaySecs`, until `trainSpec.maxSteps` (TF's evaluator task). `'train'`:
   * only train (TF's chief and workers of a cluster). Default: from the estimator's RunConfig (TF_CONFIG) —
   * `evaluator` for the evaluator task, `train` for the chief and workers of a cluster, else `local`.
   */
  readonly role?: 'local' | 'evaluator' | 'train';
  /** Where log lines go; default `console.log`. */
  readonly log?: (line: string) => void;
  /** For the evaluator role: how often to look for a new checkpoint (default 1 s) and when to give up. */
  readonly pollSecs?: number;
  readonly timeoutSecs?: number;
}

/**
 * Trains the estimator and evaluates it along the way (TF's `train_and_evaluate`). Returns the last evaluation
 * and what it exported; null on the chief and workers of a cluster, which only train (the evaluator task evaluates).
 * @example
 *   import { fileExportStore } from '@estimatorjs/experiment/node';
 *   const result = await trainAndEvaluate(
 *     estimator,
 *     new TrainSpec({ inputFn: trainInputFn, maxSteps: 5000 }),
 *     new EvalSpec({ inputFn: evalInputFn, throttleSecs: 60, exporters: [new BestExporter({ name: 'best' })] }),
 *     { exportStore: fileExportStore },
 *   );
 */
export async function trainAndEvaluate<P>(
  estimator: Estimator<P>,
  trainSpec: TrainSpec<P>,
  evalSpec: EvalSpec<P>,
  options: TrainAndEvaluateOptions = {},
): Promise<EvalAndExportResult | null> {
  const api = 'trainAndEvaluate()';
  if (!estimator || typeof (estimator as { train?: unknown }).train !== 'function') {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `${api}: estimator must be an Estimator. Received ${typeof estimator}.`,
    );
  }
  if (!trainSpec || typeof trainSpec.inputFn !== 'function' || !Array.isArray(trainSpec.hooks)) {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `${api}: trainSpec must be a TrainSpec (new TrainSpec({ inputFn, maxSteps })).`,
    );
  }
  if (!evalSpec || typeof evalSpec.inputFn !== 'function' || !Array.isArray(evalSpec.exporters)) {
    throw new ExperimentError('INVALID_ARGUMENT', `${api}: evalSpec must be an EvalSpec (new EvalSpec({ inputFn })).`);
  }
  const store = options.exportStore;
  for (const e of evalSpec.exporters) {
    if (!store && 'store' in e && (e as { store?: unknown }).store === undefined) {
      throw new ExperimentError(
        'NO_EXPORT_STORE',
        `${api}: exporter ${JSON.stringify(e.name)} has no export store. In Node pass { exportStore: fileExportStore } from '@estimatorjs/experiment/node'; elsewhere { exportStore: new MemoryExportStore() }.`,
      );
    }
  }
  const maxSteps = trainSpec.maxSteps;
  const role = options.role ?? roleOf(estimator, api);
  if (role === 'train') {
    await estimator.train(trainSpec.inputFn, {
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      hooks: trainSpec.hooks,
    });
    return null;
  }
  if (role === 'evaluator') {
    const result = await continuousEvaluate(estimator, evalSpec, {
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(store ? { exportStore: store } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.pollSecs !== undefined ? { pollSecs: options.pollSecs } : {}),
      ...(options.timeoutSecs !== undefined ? { timeoutSecs: options.timeoutSecs } : {}),
    });
    if (!result) {
      throw new ExperimentError('NO_EVALUATION', `${api}: the evaluator stopped before any checkpoint was evaluated.`);
    }
    return result;
  }
  const now = () => performance.now() / 1000;
  let lastEvalStep: number | null = null;
  let lastEvalTime = Number.NEGATIVE_INFINITY;
  let last: EvalAndExportResult | null = null;
  const evaluate = async (prefix: string, step: number, isFinal: boolean) => {
    lastEvalStep = step;
    lastEvalTime = now();
    last = await evaluateAndExport(estimator, evalSpec, prefix, isFinal, store);
  };
  const isFinalStep = (step: number) => maxSteps !== undefined && step >= maxSteps;
  const listener: CheckpointSaverListener = {
    afterSave: async (step, prefix) => {
      if (step === 0 || now() - lastEvalTime < evalSpec.throttleSecs) return undefined;
      await evaluate(prefix, step, isFinalStep(step));
      return undefined;
    },
    end: async (step) => {
      if (step === lastEvalStep) return;
      const prefix = await latestCheckpoint(estimator.storage);
      if (prefix !== null) await evaluate(prefix, step, maxSteps === undefined || isFinalStep(step));
    },
  };
  await estimator.train(trainSpec.inputFn, {
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    hooks: trainSpec.hooks,
    savingListeners: [listener],
  });
  // Training did not run (the model was already at maxSteps): evaluate what is there, as the final model.
  if (last === null || lastEvalStep !== estimator.globalStep) {
    const prefix = await latestCheckpoint(estimator.storage);
    if (prefix === null) {
      throw new ExperimentError(
        'NO_CHECKPOINT',
        `${api}: training wrote no checkpoint to evaluate in ${estimator.storage.location}.`,
      );
    }
    await evaluate(prefix, estimator.globalStep, maxSteps === undefined || isFinalStep(estimator.globalStep));
  }
  return last as unknown as EvalAndExportResult;
}

/** TF's choice of what a task does, from the estimator's RunConfig (TF_CONFIG). */
function roleOf<P>(estimator: Estimator<P>, api: string): 'local' | 'evaluator' | 'train' {
  const config = (estimator as { config?: Estimator<P>['config'] }).config;
  if (!config) return 'local';
  if (config.taskType === 'ps') {
    throw new ExperimentError(
      'UNSUPPORTED_TASK_TYPE',
      `${api}: TF_CONFIG names this task "ps"; asynchronous parameter-server training is not implemented. Remove the "ps" job: the chief and the workers train in sync.`,
    );
  }
  if (config.taskType === 'evaluator') return 'evaluator';
  return Object.keys(config.clusterSpec).length > 0 ? 'train' : 'local';
}
