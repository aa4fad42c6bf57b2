import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChromeTrace } from './chrome-trace.js';
import { ProfilerHook } from './profiler-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

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
