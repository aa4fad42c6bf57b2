import { describe, expect, it } from 'vitest';
import { LoggingTensorHook } from './logging-tensor-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('LoggingTensorHook', () => {
  it('logs every N steps, only fetching on those steps', async () => {
    const lines: string[] = [];
    const r = await runLoop(
      [
        new LoggingTensorHook({
          tensors: { loss: 'loss', step: 'global_step' },
          every: { steps: 3 },
          log: (l) => lines.push(l),
        }),
        new StopAtStepHook({ numSteps: 7 }),
      ],
      { valuesAt: (s) => ({ loss: 1 / (s + 1) }) },
    );
    expect(lines.map((l) => l.replace(/ \(.*sec\)$/, ''))).toEqual([
      'loss = 1, step = 0',
      'loss = 0.25, step = 3',
      'loss = 0.142857, step = 6',
    ]);
    expect(r.fetchedPerStep.map((s) => s.has('loss'))).toEqual([true, false, false, true, false, false, true]);
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
