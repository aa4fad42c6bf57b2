import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChromeTrace,
  FinalOpsHook,
  LoggingTensorHook,
  ProfilerHook,
  ProgressBarHook,
  StepCounterHook,
  SummarySaverHook,
} from '@estimatorjs/hooks';
import { fileTraceWriter } from '@estimatorjs/hooks/node';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readScalars } from './event-scalars.test-util.js';
import { lifecycleRecorder } from './lifecycle-recorder.test-util.js';
import { handTrained, linearEstimator, linearInput, linearModelFn } from './linear-model.test-util.js';

beforeAll(() => setupTestBackend('cpu'));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** `name = 1.234` fields of a log line. */
function fields(line: string): Record<string, number> {
  return Object.fromEntries([...line.matchAll(/(\w+) = (-?[\d.e+-]+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

const hand = handTrained(6);

describe('hooks in Estimator.train()', () => {
  it('LoggingTensorHook logs the loss of each step: the loss by hand, and the loss the Estimator reports', async () => {
    const ours: string[] = [];
    const estimatorLog: string[] = [];
    const est = linearEstimator(cleanups, { config: { logStepCountSteps: 1 }, log: (l) => estimatorLog.push(l) });
    const logging = new LoggingTensorHook({
      tensors: { loss: 'loss', w: 'w' },
      every: { steps: 1 },
      log: (l) => ours.push(l),
    });
    await est.train(linearInput(100), { steps: 3, hooks: [logging] });
    const logged = ours.map(fields);
    expect(logged).toHaveLength(3);
    logged.forEach((f, i) => {
      expect(f.loss).toBeCloseTo(hand[i]!.loss, 4);
      // `w` is read in the step's forward pass: the weight before that step's update.
      expect(f.w).toBeCloseTo(i === 0 ? 0 : hand[i - 1]!.w, 5);
    });
    // The Estimator's own `loss = …, step = …` lines carry the same values.
    const reported = estimatorLog.filter((l) => /^loss = /.test(l)).map(fields);
    expect(reported.map((f) => f.step)).toEqual([1, 2, 3]);
    expect(reported.map((f) => f.loss)).toEqual(logged.map((f) => f.loss));
    est.dispose();
  });

  it('SummarySaverHook writes the fetched scalars into the event file, read back at the right steps', async () => {
    const est = linearEstimator(cleanups);
    const saver = new SummarySaverHook({ scalars: { my_loss: 'loss', weight: 'w' }, every: { steps: 2 } });
    await est.train(linearInput(100), { steps: 5, hooks: [saver] });
    const written = await readScalars(est.modelDir, ['my_loss', 'weight']);
    expect(written.filter((s) => s.tag === 'my_loss').map((s) => s.step)).toEqual([1, 3, 5]);
    for (const s of written) {
      const k = s.step - 1;
      if (s.tag === 'my_loss') expect(s.value).toBeCloseTo(hand[k]!.loss, 4);
      else expect(s.value).toBeCloseTo(k === 0 ? 0 : hand[k - 1]!.w, 5);
    }
    est.dispose();
  });

  it('StepCounterHook writes global_step/sec and examples/sec measured on an injected clock', async () => {
    let clock = 0; // every batch takes 0.25 s on this clock
    const est = linearEstimator(cleanups);
    const counter = new StepCounterHook({ every: { steps: 2 }, batchSize: 4, log: null, now: () => clock });
    await est.train(linearInput(100, { onBatch: () => (clock += 0.25) }), { steps: 6, hooks: [counter] });
    const written = await readScalars(est.modelDir, ['global_step/sec', 'examples/sec']);
    expect(written.map((s) => [s.tag, s.value, s.step])).toEqual([
      ['global_step/sec', 4, 2],
      ['examples/sec', 16, 2],
      ['global_step/sec', 4, 4],
      ['examples/sec', 16, 4],
      ['global_step/sec', 4, 6],
      ['examples/sec', 16, 6],
    ]);
    est.dispose();
  });

  it('FinalOpsHook keeps the values of the last step', async () => {
    const est = linearEstimator(cleanups);
    const final = new FinalOpsHook({ tensors: { loss: 'loss', step: 'global_step', w: 'w' } });
    await est.train(linearInput(100), { steps: 3, hooks: [final] });
    const v = final.finalOpsValues!;
    expect(v.step).toBe(3);
    expect(v.loss).toBeCloseTo(hand[2]!.loss, 4);
    expect(v.w).toBeCloseTo(hand[1]!.w, 5);
    est.dispose();
  });

  it('ProgressBarHook writes lines with the step of maxSteps, the loss and the speed on an injected clock and stream', async () => {
    let clock = 0;
    const chunks: string[] = [];
    const est = linearEstimator(cleanups);
    const bar = new ProgressBarHook({
      output: { write: (t) => chunks.push(t), isTTY: false },
      every: { steps: 2 },
      now: () => clock,
    });
    await est.train(linearInput(100, { onBatch: () => (clock += 0.25) }), { maxSteps: 4, hooks: [bar] });
    expect(chunks.map((c) => c.replace(/loss [\d.]+/, 'loss L'))).toEqual([
      'step 2/4  50%  loss L  4.00 steps/s  ETA 1s\n',
      'step 4/4  100%  loss L  4.00 steps/s  done in 1s\n',
    ]);
    const losses = chunks.map((c) => Number(/loss ([\d.]+)/.exec(c)![1]));
    expect(losses[0]).toBeCloseTo(hand[1]!.loss, 4);
    expect(losses[1]).toBeCloseTo(hand[3]!.loss, 4);
    // Resumed with { steps: 2 }, the bar runs from 4 to 6.
    chunks.length = 0;
    const again = new ProgressBarHook({
      output: { write: (t) => chunks.push(t) },
      every: { steps: 2 },
      now: () => clock,
    });
    await est.train(linearInput(100, { onBatch: () => (clock += 0.25) }), { steps: 2, hooks: [again] });
    expect(chunks.map((c) => c.replace(/loss [\d.]+/, 'loss L'))).toEqual([
      'step 6/6  100%  loss L  4.00 steps/s  done in 1s\n',
    ]);
    est.dispose();
  });

  it('ProfilerHook writes a Chrome trace of the traced steps into the model dir', async () => {
    const est = linearEstimator(cleanups);
    const profiler = new ProfilerHook({ every: { steps: 2 }, write: fileTraceWriter(est.modelDir) });
    await est.train(linearInput(100), { steps: 3, hooks: [profiler] });
    for (const step of [1, 3]) {
      const trace = JSON.parse(readFileSync(join(est.modelDir, `timeline-${step}.json`), 'utf8')) as ChromeTrace;
      expect(trace.metadata?.globalStep).toBe(step);
      const kernels = trace.traceEvents.filter((e) => e.cat === 'kernel').map((e) => e.name);
      // The forward pass (x·w + b, squared error) and its gradients ran in the traced step.
      expect(kernels).toEqual(expect.arrayContaining(['BatchMatMul', 'SquaredDifference', 'Mean']));
      expect(trace.metadata?.kernels).toBe(kernels.length);
    }
    expect([...profiler.traces.keys()]).toEqual([1, 3]);
    est.dispose();
  });

  it('the caller’s hooks and the spec’s trainingHooks run the lifecycle in order, with the values they asked for', async () => {
    const log: string[] = [];
    const user = lifecycleRecorder('user', log, { loss: 'loss' });
    const fromSpec = lifecycleRecorder('spec', log, { step: 'global_step', loss: 'loss' });
    const est = linearEstimator(cleanups, { modelFn: linearModelFn({ trainingHooks: [fromSpec.hook] }) });
    await est.train(linearInput(100), { steps: 3, hooks: [user.hook] });
    const step = ['user.beforeRun', 'spec.beforeRun', 'user.afterRun', 'spec.afterRun'];
    expect(log).toEqual([
      'user.begin train@0',
      'user.afterCreateSession',
      // The spec's hooks exist once the first batch went through the model_fn (after the caller's beforeRun).
      'user.beforeRun',
      'spec.begin train@0',
      'spec.afterCreateSession',
      'spec.beforeRun',
      'user.afterRun',
      'spec.afterRun',
      ...step,
      ...step,
      'spec.end @3',
      'user.end @3',
    ]);
    expect(fromSpec.values.map((v) => v.step)).toEqual([1, 2, 3]);
    for (const [i, v] of fromSpec.values.entries()) expect(v.loss).toBeCloseTo(hand[i]!.loss, 4);
    expect(user.values.map((v) => v.loss)).toEqual(fromSpec.values.map((v) => v.loss));
    est.dispose();
  });

  it('leaks no tensors with every reading hook attached', async () => {
    let clock = 0;
    const est = linearEstimator(cleanups, {
      modelFn: linearModelFn({ trainingHooks: [lifecycleRecorder('spec', [], { b: 'b' }).hook] }),
    });
    const hooks = () => [
      new LoggingTensorHook({ tensors: ['loss', 'w'], every: { steps: 1 }, log: () => {} }),
      new SummarySaverHook({ scalars: ['loss', 'w'], every: { steps: 1 } }),
      new StepCounterHook({ every: { steps: 1 }, log: null, now: () => clock }),
      new FinalOpsHook({ tensors: ['loss', 'prediction_mean'] }),
      new ProgressBarHook({ output: { write: () => {} }, now: () => clock }),
      new ProfilerHook({ every: { steps: 2 } }),
    ];
    const input = linearInput(100, { onBatch: () => (clock += 0.25) });
    await expectNoLeaks(() => est.train(input, { steps: 3, hooks: hooks() }), { warmup: true });
    est.dispose();
  });
});
