import type { Hook } from '@estimatorjs/hooks';
import { expectNoLeaks, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Estimator, type ModelFn, type Prediction } from './estimator.js';
import { RunConfig } from './index.js';
import { lifecycleRecorder } from './lifecycle-recorder.test-util.js';
import { handTrained, linearInput, linearModelFn, XS } from './linear-model.test-util.js';

// One model trained 2 steps; each test predicts with it through its own model_fn wrapper and hooks.
const { dir, cleanup } = tempModelDir();
let specHooks: readonly Hook[] = [];
let failAtCall: number | null = null;
let calls = 0;
const base = linearModelFn();
const modelFn: ModelFn = (f, l, mode, p, c) => {
  if (mode === 'infer' && ++calls === failAtCall) throw new Error('model_fn failed on purpose');
  const spec = base(f, l, mode, p, c);
  return mode === 'infer' && !(spec instanceof Promise) ? { ...spec, predictionHooks: specHooks } : spec;
};
let est: Estimator;
const [, trained] = handTrained(2);
/** The batch's mean prediction by hand: mean(w·x + b). */
const handMean = (trained!.w * XS.reduce((a, x) => a + x, 0)) / XS.length + trained!.b;

beforeAll(async () => {
  await setupTestBackend('cpu');
  const config = new RunConfig({ modelDir: dir, saveCheckpointsSteps: 1000, logStepCountSteps: 1000 });
  est = new Estimator({ modelFn, config, log: () => {} });
  await est.train(linearInput(2), { steps: 2 });
});
afterAll(() => {
  est.dispose();
  cleanup();
});

/** Predicts 3 batches of 4 with `hooks` given to predict() and `spec` returned by the model_fn. */
async function predict(
  hooks: readonly Hook[],
  spec: readonly Hook[],
  opts: { yieldSingleExamples?: boolean; take?: number; log?: string[] } = {},
): Promise<Prediction[]> {
  specHooks = spec;
  calls = 0;
  const out: Prediction[] = [];
  const input = linearInput(3, { labels: false });
  for await (const p of est.predict(input, { hooks, yieldSingleExamples: opts.yieldSingleExamples })) {
    opts.log?.push('yield');
    out.push(p);
    if (out.length === opts.take) break;
  }
  return out;
}

describe('hooks in Estimator.predict()', () => {
  it('run begin → afterCreateSession → (beforeRun → afterRun)* per batch → end, before each batch is yielded', async () => {
    const log: string[] = [];
    const user = lifecycleRecorder('user', log, { mean: 'prediction_mean', step: 'global_step' });
    const fromSpec = lifecycleRecorder('spec', [], { mean: 'prediction_mean' });
    const preds = await predict([user.hook], [fromSpec.hook], { log });
    expect(preds).toHaveLength(12);
    const batch = ['user.beforeRun', 'user.afterRun', 'yield', 'yield', 'yield', 'yield'];
    expect(log).toEqual(['user.begin infer@2', 'user.afterCreateSession', ...batch, ...batch, ...batch, 'user.end @2']);
    // The spec's predictionHooks run the same lifecycle, once per batch.
    for (const phase of ['begin', 'afterCreateSession', 'end'] as const) expect(fromSpec.count(phase)).toBe(1);
    for (const phase of ['beforeRun', 'afterRun'] as const) {
      expect(user.count(phase)).toBe(3);
      expect(fromSpec.count(phase)).toBe(3);
    }
    // What the hooks fetched is the model's value on that batch, by hand.
    for (const v of [...user.values, ...fromSpec.values]) expect(v.mean).toBeCloseTo(handMean, 5);
    expect(user.values.map((v) => v.step)).toEqual([2, 2, 2]);
    // And the predictions themselves: w·x + b per example.
    expect((preds[1] as { y: Float32Array }).y[0]).toBeCloseTo(trained!.w * XS[1]! + trained!.b, 5);
  });

  it('run once per batch with yieldSingleExamples: false', async () => {
    const user = lifecycleRecorder('user', []);
    const fromSpec = lifecycleRecorder('spec', []);
    const preds = await predict([user.hook], [fromSpec.hook], { yieldSingleExamples: false });
    expect(preds).toHaveLength(3);
    for (const r of [user, fromSpec]) {
      expect([r.count('beforeRun'), r.count('afterRun'), r.count('end')]).toEqual([3, 3, 1]);
    }
  });

  it('still end after an early break out of the for await, having run only the batches read', async () => {
    const user = lifecycleRecorder('user', []);
    const fromSpec = lifecycleRecorder('spec', []);
    // The 6th prediction is the 2nd example of the 2nd batch.
    const preds = await predict([user.hook], [fromSpec.hook], { take: 6 });
    expect(preds).toHaveLength(6);
    for (const r of [user, fromSpec]) {
      expect([r.count('beforeRun'), r.count('afterRun'), r.count('end'), r.count('onError')]).toEqual([2, 2, 1, 0]);
    }
    const batches = lifecycleRecorder('batches', []);
    await predict([batches.hook], [], { take: 2, yieldSingleExamples: false });
    expect([batches.count('afterRun'), batches.count('end')]).toEqual([2, 1]);
  });

  it('stop after the batch in which a hook requests a stop', async () => {
    let n = 0;
    const stopper: Hook = { afterRun: (ctx) => (++n === 2 ? ctx.requestStop('enough') : undefined) };
    const user = lifecycleRecorder('user', []);
    const preds = await predict([stopper, user.hook], []);
    expect(preds).toHaveLength(8);
    expect([user.count('afterRun'), user.count('end')]).toEqual([2, 1]);
  });

  it('call onError and not end when the model_fn fails', async () => {
    const user = lifecycleRecorder('user', []);
    const fromSpec = lifecycleRecorder('spec', []);
    failAtCall = 2;
    try {
      await expect(predict([user.hook], [fromSpec.hook])).rejects.toThrow(/model_fn failed on purpose/);
    } finally {
      failAtCall = null;
    }
    for (const r of [user, fromSpec])
      expect([r.count('afterRun'), r.count('onError'), r.count('end')]).toEqual([1, 1, 0]);
  });

  it('leak no tensors, also when the consumer breaks early', async () => {
    const user = lifecycleRecorder('user', [], { mean: 'prediction_mean' });
    await expectNoLeaks(() => predict([user.hook], [], {}));
    await expectNoLeaks(() => predict([user.hook], [], { take: 5 }));
  });
});
