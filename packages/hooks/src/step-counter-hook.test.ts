import { describe, expect, it } from 'vitest';
import { StepCounterHook } from './step-counter-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('StepCounterHook', () => {
  it('writes global_step/sec and examples/sec to the run writer, measured on an injected clock', async () => {
    const written: [string, number, number][] = [];
    const writer = { scalar: (t: string, v: number, s: number) => void written.push([t, v, s]) };
    const lines: string[] = [];
    let now = 0; // each step takes 0.5 s on this clock
    await runLoop(
      [
        new StepCounterHook({ every: { steps: 5 }, log: (l) => lines.push(l), batchSize: 8, now: () => now }),
        new StopAtStepHook({ numSteps: 10 }),
      ],
      {
        writer,
        onStep: () => {
          now += 0.5;
        },
      },
    );
    // 5 steps in 2.5 s: 2 steps/s, 16 examples/s with 8 per batch.
    expect(written).toEqual([
      ['global_step/sec', 2, 5],
      ['examples/sec', 16, 5],
      ['global_step/sec', 2, 10],
      ['examples/sec', 16, 10],
    ]);
    expect(lines).toEqual(['global_step/sec: 2.000', 'global_step/sec: 2.000']);
  });
});
