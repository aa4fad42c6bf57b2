/**
 * Continuous evaluation (TF's evaluator task and `Experiment.continuous_eval`): evaluates each new checkpoint that
 * appears in the model directory, exactly once, until one at or past the final step. Runs beside a trainer, in
 * its own process. Reads only checkpoints named by the `checkpoint` state file, which the trainer rewrites only
 * after the checkpoint's files are complete, so it never sees a half-written one.
 */
import { CheckpointError, type Estimator, latestCheckpoint, readCheckpointState } from '@estimatorjs/estimator';
import { ExperimentError } from './errors.js';
import { type EvalAndExportResult, evaluateAndExport } from './evaluate-and-export.js';
import type { ExportStore } from './export-store.js';
import type { EvalSpec } from './specs.js';

/** Options of {@link continuousEvaluate}. */
export interface ContinuousEvaluateOptions {
  /** Stop after evaluating a checkpoint at or past this global step (the trainer's `maxSteps`). */
  readonly maxSteps?: number;
  /** Give up when no new checkpoint appeared for this many seconds; default: wait forever. */
  readonly timeoutSecs?: number;
  /** How often to look for a new checkpoint when none is ready; default 1 second. */
  readonly pollSecs?: number;
  /** Where exporters write unless they have their own store. */
  readonly exportStore?: ExportStore;
  /** Called after each evaluation and its exports. */
  readonly onEvaluation?: (result: EvalAndExportResult) => void | Promise<void>;
  /** Stops waiting (the current evaluation finishes first). */
  readonly signal?: AbortSignal;
  /** Where log lines go; default `console.log`. */
  readonly log?: (line: string) => void;
}

/**
 * Waits `evalSpec.startDelaySecs`, then evaluates the latest checkpoint whenever a new one appears (at most once
 * every `evalSpec.throttleSecs`), runs the exporters, and returns after the checkpoint at `maxSteps`. A checkpoint
 * that `keepCheckpointMax` deleted before it could be read is skipped with a log line.
 * @example
 *   // evaluator.ts, started beside the trainer on the same model directory:
 *   await continuousEvaluate(estimator, new EvalSpec({ inputFn, startDelaySecs: 0, throttleSecs: 30 }), { maxSteps: 5000 });
 */
export async function continuousEvaluate<P>(
  estimator: Estimator<P>,
  evalSpec: EvalSpec<P>,
  options: ContinuousEvaluateOptions = {},
): Promise<EvalAndExportResult | null> {
  const log = options.log ?? ((line: string) => console.log(line));
  const now = () => performance.now() / 1000;
  const pollSecs = options.pollSecs ?? 1;
  if (evalSpec.startDelaySecs > 0) {
    log(`Waiting ${evalSpec.startDelaySecs} secs before starting evaluation.`);
    await sleep(evalSpec.startDelaySecs, options.signal);
  }
  let previous: string | null = null;
  let last: EvalAndExportResult | null = null;
  let lastNewCheckpoint = now();
  let waitingLogged = false;
  while (!options.signal?.aborted) {
    const start = now();
    // The prefix (model.ckpt-N) exporters name checkpoint files by, not the path Estimator.latestCheckpoint() gives.
    const prefix = await latestCheckpoint(estimator.storage);
    let evaluated = false;
    if (prefix !== null && prefix !== previous) {
      previous = prefix;
      lastNewCheckpoint = start;
      waitingLogged = false;
      const step = stepOf(prefix);
      const isFinal = options.maxSteps !== undefined && step !== null && step >= options.maxSteps;
      const result = await evaluateUnlessDeleted(estimator, evalSpec, prefix, isFinal, options.exportStore, log);
      if (result) {
        evaluated = true;
        last = result;
        await options.onEvaluation?.(result);
        const done = result.evalResult.globalStep;
        if (options.maxSteps !== undefined && done >= options.maxSteps) {
          log(`Exiting evaluation, global step ${done} >= max steps ${options.maxSteps}.`);
          return last;
        }
      }
    } else if (!waitingLogged) {
      log(
        prefix === null
          ? `No checkpoint in ${estimator.storage.location} yet; waiting for the trainer.`
          : 'No new checkpoint ready for evaluation; waiting for the next one.',
      );
      waitingLogged = true;
    }
    if (options.timeoutSecs !== undefined && now() - lastNewCheckpoint >= options.timeoutSecs) {
      log(`Exiting evaluation: no new checkpoint for ${options.timeoutSecs} secs.`);
      return last;
    }
    const elapsed = now() - start;
    await sleep(Math.max(evaluated ? 0 : pollSecs, evalSpec.throttleSecs - elapsed), options.signal).catch(() => {});
  }
  return last;
}

async function evaluateUnlessDeleted<P>(
  estimator: Estimator<P>,
  evalSpec: EvalSpec<P>,
  prefix: string,
  isFinal: boolean,
  store: ExportStore | undefined,
  log: (line: string) => void,
): Promise<EvalAndExportResult | null> {
  try {
    return await evaluateAndExport(estimator, evalSpec, prefix, isFinal, store);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const vanished =
      (e instanceof CheckpointError && (code === 'CHECKPOINT_NOT_FOUND' || code === 'CORRUPT_CHECKPOINT')) ||
      (e instanceof ExperimentError && code === 'CHECKPOINT_NOT_FOUND');
    if (!vanished) throw e;
    const state = await readCheckpointState(estimator.storage);
    if (state?.allModelCheckpointPaths.includes(prefix)) throw e;
    log(`Skipping ${prefix}: the trainer deleted it (keepCheckpointMax) before it could be evaluated.`);
    return null;
  }
}

/** The global step in a prefix such as `model.ckpt-300`, or null. */
function stepOf(prefix: string): number | null {
  const m = /-(\d+)$/.exec(prefix);
  return m ? Number(m[1]) : null;
}

function sleep(secs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ExperimentError('ABORTED', 'continuousEvaluate(): aborted.'));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, secs * 1000);
    const onAbort = () => {
      clearTimeout(t);
      reject(new ExperimentError('ABORTED', 'continuousEvaluate(): aborted.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
