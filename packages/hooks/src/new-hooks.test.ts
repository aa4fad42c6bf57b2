import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChromeTrace } from './chrome-trace.js';
import { FeedFnHook } from './feed-fn-hook.js';
import { FinalOpsHook } from './final-ops-hook.js';
import { GlobalStepWaiterHook } from './global-step-waiter-hook.js';
import { LoggingTensorHook } from './logging-tensor-hook.js';
import { ProfilerHook } from './profiler-hook.js';
import { formatDuration, ProgressBarHook } from './progress-bar-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

describe('FinalOpsHook', () => {
  it('keeps the values of the last step only', async () => {
    const final = new FinalOpsHook({ tensors: { l: 'loss', step: 'global_step' } });
    expect(final.finalOpsValues).toBeNull();
    await runLoop([final, new StopAtStepHook({ numSteps: 4 })], { valuesAt: (s) => ({ loss: 10 - s }) });
    // The loop's global_step value is the step before the step; the loss of the 4th step (s = 3) is 7.
    expect(final.finalOpsValues).toEqual({ l: 7, step: 3 });
  });
  it('rejects an empty tensor list', () => {
    expect(() => new FinalOpsHook({ tensors: [] })).toThrow(/must name at least one tensor/);
  });
});

describe('LoggingTensorHook at end', () => {
  it('logs the last values once at the end with every: null', async () => {
    const lines: string[] = [];
    await runLoop(
      [
        new LoggingTensorHook({ tensors: ['loss'], every: null, atEnd: true, log: (l) => lines.push(l) }),
        new StopAtStepHook({ numSteps: 5 }),
      ],
      { valuesAt: (s) => ({ loss: s * 2 }) },
    );
    expect(lines).toEqual(['loss = 8']);
  });
  it('uses the formatter', async () => {
    const lines: string[] = [];
    await runLoop(
      [
        new LoggingTensorHook({
          tensors: ['loss'],
          every: { steps: 2 },
          formatter: (v) => `L=${v.loss}`,
          log: (l) => lines.push(l),
        }),
        new StopAtStepHook({ numSteps: 3 }),
      ],
      { valuesAt: (s) => ({ loss: s }) },
    );
    expect(lines.map((l) => l.replace(/ \(.*sec\)$/, ''))).toEqual(['L=0', 'L=2']);
  });
});

describe('FeedFnHook', () => {
  it('feeds fresh values before each step, visible to the step', async () => {
    const feeds = new FeedFnHook(({ globalStep }) => ({ keep_prob: globalStep < 2 ? 0.5 : 0.9 }));
    expect(() => feeds.values).toThrow(/nothing has been fed yet/);
    const seen: number[] = [];
    await runLoop([feeds, new StopAtStepHook({ numSteps: 4 })], {
      onStep: () => void seen.push(feeds.values.keep_prob as number),
    });
    expect(seen).toEqual([0.5, 0.5, 0.9, 0.9]);
  });
});

describe('GlobalStepWaiterHook', () => {
  it('waits until the shared step reaches waitUntilStep, then starts', async () => {
    let shared = 0;
    const lines: string[] = [];
    const waiter = new GlobalStepWaiterHook({
      waitUntilStep: 30,
      pollSecs: 0.001,
      readGlobalStep: () => {
        shared += 10;
        return shared;
      },
      log: (l) => lines.push(l),
    });
    const ran: number[] = [];
    await runLoop([waiter, new StopAtStepHook({ numSteps: 2 })], { onStep: () => void ran.push(shared) });
    expect(ran).toEqual([30, 30]);
    expect(lines).toEqual(['Waiting for global step 30 before starting training. Current step is 0.']);
  });
  it('starts at once when the step is already there, and refuses to wait blind', async () => {
    const r = await runLoop([new GlobalStepWaiterHook({ waitUntilStep: 5 }), new StopAtStepHook({ numSteps: 1 })], {
      startStep: 7,
    });
    expect(r.finalStep).toBe(8);
    await expect(runLoop([new GlobalStepWaiterHook({ waitUntilStep: 5, log: null })])).rejects.toThrow(
      /GlobalStepWaiterHook.beforeRun\(\) failed: .*no readGlobalStep/,
    );
  });
});

describe('ProfilerHook', () => {
  const step = () =>
    tf.tidy(() => {
      const a = tf.ones([16, 16]);
      return tf.sum(tf.matMul(a, a));
    });
  it('traces the kernels of every Nth step as Chrome trace JSON, without leaking', async () => {
    const written: [string, ChromeTrace][] = [];
    const hook = new ProfilerHook({ every: { steps: 3 }, write: (f, t) => void written.push([f, t]) });
    await expectNoLeaks(async () => {
      await runLoop([hook, new StopAtStepHook({ numSteps: 7 })], { onStep: () => step().dispose() });
    });
    expect(written.map(([f]) => f)).toEqual(['timeline-1.json', 'timeline-4.json', 'timeline-7.json']);
    const trace = written[0]![1];
    const spans = trace.traceEvents.filter((e) => e.ph === 'X');
    expect(spans.map((e) => e.name)).toEqual(['BatchMatMul', 'Sum']);
    for (const e of spans) {
      expect(e.dur).toBeGreaterThan(0);
      expect(e.args).toHaveProperty('outputShapes');
    }
    // Spans follow each other in kernel order.
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.ts).toBeGreaterThanOrEqual(spans[i - 1]!.ts);
    expect(trace.traceEvents.some((e) => e.ph === 'C' && e.name === 'memory')).toBe(true);
    expect(trace.metadata).toMatchObject({ globalStep: 1, backend: 'cpu' });
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    expect([...hook.traces.keys()]).toEqual([1, 4, 7]);
    // Profiling is off again outside traced steps: tf.profile() still works on its own.
    const own = await tf.profile(() => step());
    expect(own.kernels.map((k) => k.name)).toEqual(['BatchMatMul', 'Sum']);
    (own.result as tf.Tensor).dispose();
  });
});

describe('ProgressBarHook', () => {
  function output(isTTY: boolean) {
    const chunks: string[] = [];
    return { chunks, out: { isTTY, columns: 100, write: (s: string) => void chunks.push(s) } };
  }
  it('draws a bar with loss, speed and ETA in place on a terminal', async () => {
    let now = 0;
    const { chunks, out } = output(true);
    await runLoop(
      [new ProgressBarHook({ numSteps: 10, output: out, now: () => now }), new StopAtStepHook({ numSteps: 10 })],
      {
        valuesAt: (s) => ({ loss: 1 / (s + 1) }),
        onStep: () => {
          now += 0.5;
        },
      },
    );
    expect(chunks.every((c) => c.startsWith('\r'))).toBe(true);
    expect(chunks[0]).toContain('[===>');
    expect(chunks[0]).toMatch(/1\/10 {2}10% {2}loss 1 {2}2\.00 steps\/s {2}ETA 5s/);
    expect(chunks.at(-1)).toMatch(/\[=+\] {2}10\/10 {2}100% {2}loss 0\.1 {2}2\.00 steps\/s {2}done in 5s/);
    expect(chunks.at(-1)!.endsWith('\u001b[K\n')).toBe(true);
  });
  it('writes plain lines every N seconds when the output is not a terminal', async () => {
    let now = 0;
    const { chunks, out } = output(false);
    await runLoop(
      [
        new ProgressBarHook({ lastStep: 20, output: out, now: () => now, every: { secs: 4 } }),
        new StopAtStepHook({ lastStep: 20 }),
      ],
      {
        onStep: () => {
          now += 1;
        },
        valuesAt: () => ({ loss: 0.5 }),
      },
    );
    expect(chunks.every((c) => !c.includes('\r') && c.endsWith('\n'))).toBe(true);
    expect(chunks.map((c) => c.split('  ')[0])).toEqual([
      'step 4/20',
      'step 8/20',
      'step 12/20',
      'step 16/20',
      'step 20/20',
    ]);
    expect(chunks[0]).toBe('step 4/20  20%  loss 0.5  1.00 steps/s  ETA 16s\n');
  });
  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(95), formatDuration(4000)]).toEqual(['5s', '1m35s', '1h06m']);
  });
});
