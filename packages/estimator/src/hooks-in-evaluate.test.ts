import { FinalOpsHook, type Hook } from '@estimatorjs/hooks';
import { expectNoLeaks, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Estimator, type ModelFn } from './estimator.js';
import { readScalars } from './event-scalars.test-util.js';
import { metrics, RunConfig } from './index.js';
import { lifecycleRecorder } from './lifecycle-recorder.test-util.js';
import { handLoss, handTrained, linearInput, linearModelFn } from './linear-model.test-util.js';

// One model trained 3 steps; each test evaluates it with its own hooks (given to evaluate() and returned by the
// model_fn as evaluationHooks).
const { dir, cleanup } = tempModelDir();
let specHooks: readonly Hook[] = [];
const base = linearModelFn();
// A metric whose running value changes per batch: the mean of the batch numbers 0, 1, 2, … seen so far.
let evalBatch = 0;
const modelFn: ModelFn = (f, l, mode, p, c) => {
  const spec = base(f, l, mode, p, c);
  if (mode !== 'eval' || spec instanceof Promise || spec.mode !== 'eval') return spec;
  const evalMetricOps = { batch_mean: metrics.mean(tf.scalar(evalBatch++)) };
  return { ...spec, evalMetricOps, evaluationHooks: specHooks };
};
let est: Estimator;
const [, , trained] = handTrained(3);
const lossAtCheckpoint = handLoss(trained!.w, trained!.b);

beforeAll(async () => {
  await setupTestBackend('cpu');
  const config = new RunConfig({ modelDir: dir, saveCheckpointsSteps: 1000, logStepCountSteps: 1000 });
  est = new Estimator({ modelFn, config, log: () => {} });
  await est.train(linearInput(3), { steps: 3 });
});
afterAll(() => {
  est.dispose();
  cleanup();
});

describe('hooks in Estimator.evaluate()', () => {
  it('run the full lifecycle once per batch, evaluationHooks included, and read the batch loss', async () => {
    const log: string[] = [];
    const user = lifecycleRecorder('user', log, { loss: 'loss', step: 'global_step' });
    const fromSpec = lifecycleRecorder('spec', [], { loss: 'loss', w: 'w' });
    specHooks = [fromSpec.hook];
    const results = await est.evaluate(linearInput(4), { hooks: [user.hook] });
    const batch = ['user.beforeRun', 'user.afterRun'];
    expect(log).toEqual([
      'user.begin eval@3',
      'user.afterCreateSession',
      ...batch,
      ...batch,
      ...batch,
      ...batch,
      'user.end @3',
    ]);
    for (const phase of ['begin', 'afterCreateSession', 'end'] as const) expect(fromSpec.count(phase)).toBe(1);
    expect([fromSpec.count('beforeRun'), fromSpec.count('afterRun')]).toEqual([4, 4]);
    // The values each hook asked for, on every batch: the loss and weights of the checkpoint, by hand.
    for (const v of [...user.values, ...fromSpec.values]) expect(v.loss).toBeCloseTo(lossAtCheckpoint, 4);
    for (const v of fromSpec.values) expect(v.w).toBeCloseTo(trained!.w, 5);
    expect(user.values.map((v) => v.step)).toEqual([3, 3, 3, 3]);
    expect(results.loss).toBeCloseTo(lossAtCheckpoint, 4);
  });

  it('give a metric by name as its value over the batches so far', async () => {
    specHooks = [];
    evalBatch = 0;
    const user = lifecycleRecorder('user', [], { m: 'batch_mean' });
    const results = await est.evaluate(linearInput(4), { hooks: [user.hook] });
    expect(user.values.map((v) => v.m)).toEqual([0, 0.5, 1, 1.5]);
    expect(results.batch_mean).toBe(1.5);
  });

  it('honour steps and a requested stop: the results cover the batches that ran', async () => {
    specHooks = [];
    const counted = lifecycleRecorder('counted', []);
    await est.evaluate(linearInput(10), { steps: 2, hooks: [counted.hook] });
    expect([counted.count('afterRun'), counted.count('end')]).toEqual([2, 1]);

    let n = 0;
    const stopper: Hook = { afterRun: (ctx) => (++n === 3 ? ctx.requestStop('enough') : undefined) };
    const stopped = lifecycleRecorder('stopped', []);
    specHooks = [stopped.hook];
    const results = await est.evaluate(linearInput(10), { hooks: [stopper] });
    expect([stopped.count('afterRun'), stopped.count('end')]).toEqual([3, 1]);
    expect(results.loss).toBeCloseTo(lossAtCheckpoint, 4);
  });

  it('FinalOpsHook keeps the last batch values; the results land in the eval event file', async () => {
    specHooks = [];
    const final = new FinalOpsHook({ tensors: { loss: 'loss', step: 'global_step', w: 'w' } });
    await est.evaluate(linearInput(2), { hooks: [final], name: 'final_ops' });
    const values = final.finalOpsValues!;
    expect(values.loss).toBeCloseTo(lossAtCheckpoint, 4);
    expect(values.w).toBeCloseTo(trained!.w, 5);
    expect(values.step).toBe(3);
    const written = await readScalars(`${dir}/eval_final_ops`, ['loss']);
    expect(written.map((w) => [w.tag, w.step])).toEqual([['loss', 3]]);
    expect(written[0]!.value).toBeCloseTo(lossAtCheckpoint, 4);
  });

  it('leak no tensors', async () => {
    const user = lifecycleRecorder('user', [], { loss: 'loss', w: 'w' });
    specHooks = [lifecycleRecorder('spec', [], { b: 'b' }).hook];
    await expectNoLeaks(() => est.evaluate(linearInput(3), { hooks: [user.hook] }));
  });
});
