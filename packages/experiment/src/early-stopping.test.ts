import { Estimator, MemoryStorage, RunConfig } from '@estimatorjs/estimator';
import type { Hook, RunContext } from '@estimatorjs/hooks';
import { setupTestBackend } from '@estimatorjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  makeEarlyStoppingHook,
  stopIfHigherHook,
  stopIfLowerHook,
  stopIfNoDecreaseHook,
  stopIfNoIncreaseHook,
} from './early-stopping.js';
import { evalHistory, recordEvalResults } from './eval-history.js';
import { MemoryExportStore } from './export-store.js';
import { EvalSpec, TrainSpec } from './specs.js';
import { toyInputFn, toyModelFn } from './toy-model.test-util.js';
import { trainAndEvaluate } from './train-and-evaluate.js';

beforeAll(() => setupTestBackend('cpu'));

const est = { modelDir: 'm', storage: new MemoryStorage('m') };

/** Checks the hook once per evaluation step of the series; returns the step at which it asked to stop. */
async function stopStep(makeHook: (read: () => Map<number, Record<string, number>>) => Hook, series: number[]) {
  const seen = new Map<number, Record<string, number>>();
  const hook = makeHook(() => seen);
  for (const [i, v] of series.entries()) {
    const step = (i + 1) * 100;
    seen.set(step, { loss: v, accuracy: v });
    let stopped = false;
    const ctx = {
      globalStep: step,
      requestStop: () => {
        stopped = true;
      },
    } as unknown as RunContext;
    await hook.afterRun?.(ctx, {});
    if (stopped) return step;
  }
  return null;
}

describe('early stopping on a metric series', () => {
  const opts = (read: () => Map<number, Record<string, number>>) => ({
    runEverySteps: 1,
    readEvalMetrics: read,
    log: null,
  });
  it('stopIfNoDecreaseHook stops once the best loss is maxSteps old', async () => {
    const series = [1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.69, 0.7];
    expect(await stopStep((r) => stopIfNoDecreaseHook(est, 'loss', 300, opts(r)), series)).toBe(600);
    expect(await stopStep((r) => stopIfNoDecreaseHook(est, 'loss', 400, opts(r)), series)).toBeNull();
  });
  it('stopIfNoIncreaseHook, with minSteps ignoring early evaluations', async () => {
    const series = [0.9, 0.5, 0.6, 0.61, 0.6, 0.6, 0.6];
    expect(await stopStep((r) => stopIfNoIncreaseHook(est, 'accuracy', 200, opts(r)), series)).toBe(300);
    expect(
      await stopStep((r) => stopIfNoIncreaseHook(est, 'accuracy', 200, { ...opts(r), minSteps: 200 }), series),
    ).toBe(600);
  });
  it('stopIfHigherHook / stopIfLowerHook stop at the first evaluation past the threshold', async () => {
    const series = [0.5, 0.7, 0.91, 0.95];
    expect(await stopStep((r) => stopIfHigherHook(est, 'accuracy', 0.9, opts(r)), series)).toBe(300);
    expect(await stopStep((r) => stopIfLowerHook(est, 'loss', 0.6, opts(r)), series)).toBe(100);
    expect(await stopStep((r) => stopIfLowerHook(est, 'loss', 0.1, opts(r)), series)).toBeNull();
  });
  it('names the metric when it is missing, and checks its arguments', async () => {
    const hook = stopIfHigherHook(
      est,
      'auc',
      0.9,
      opts(() => new Map([[100, { loss: 1 }]])),
    );
    const ctx = { globalStep: 100, requestStop: () => {} } as unknown as RunContext;
    await expect(Promise.resolve(hook.afterRun?.(ctx, {}))).rejects.toThrow(
      /stopIfHigherHook\(\): metric "auc" is not in the eval results at step 100; expected one of loss/,
    );
    expect(() => makeEarlyStoppingHook(est, () => true, { runEverySecs: 1, runEverySteps: 1 })).toThrow(/not both/);
    expect(() => stopIfNoDecreaseHook(est, 'loss', 0)).toThrow(/must be > 0/);
  });
  it('reads the evaluations this process recorded by default', async () => {
    const e = { modelDir: 'h', storage: new MemoryStorage('h') };
    recordEvalResults(e, { loss: 0.5, globalStep: 10 } as never);
    recordEvalResults(e, { loss: 0.4, globalStep: 5 } as never);
    expect([...evalHistory(e)]).toEqual([
      [5, { loss: 0.4, global_step: 5 }],
      [10, { loss: 0.5, global_step: 10 }],
    ]);
    let stopped = false;
    await stopIfNoDecreaseHook(e, 'loss', 5, { runEverySteps: 1, log: null }).afterRun?.(
      {
        globalStep: 11,
        requestStop: () => {
          stopped = true;
        },
      } as unknown as RunContext,
      {},
    );
    expect(stopped).toBe(true);
  });
  it('stops a real trainAndEvaluate run early', async () => {
    const storage = new MemoryStorage('es');
    const config = new RunConfig({
      modelDir: 'es',
      storage,
      saveCheckpointsSteps: 5,
      randomSeed: 1,
      logStepCountSteps: 1000,
    });
    const estimator = new Estimator({ modelFn: toyModelFn, config, params: { learning_rate: 0.05 }, log: () => {} });
    const hook = stopIfHigherHook(estimator, 'accuracy', 0.7, { runEverySteps: 1, log: null });
    const { evalResult } = (await trainAndEvaluate(
      estimator,
      new TrainSpec({ inputFn: toyInputFn(1_000_000), maxSteps: 500, hooks: [hook] }),
      new EvalSpec({ inputFn: toyInputFn(2), steps: null, throttleSecs: 0 }),
      { exportStore: new MemoryExportStore(), log: () => {} },
    ))!;
    expect(evalResult.accuracy).toBeGreaterThan(0.7);
    expect(estimator.globalStep).toBeLessThan(500);
    // It stopped on the step after the evaluation that crossed the threshold.
    const history = [...evalHistory(estimator).keys()];
    expect(estimator.globalStep).toBe(history.at(-1));
    estimator.dispose();
  });
});
