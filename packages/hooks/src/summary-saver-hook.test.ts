import { describe, expect, it } from 'vitest';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { SummarySaverHook } from './summary-saver-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('SummarySaverHook', () => {
  it('writes the loss every N steps to the run writer, at the step after the step', async () => {
    const written: [string, number, number][] = [];
    const writer = { scalar: (t: string, v: number, s: number) => void written.push([t, v, s]) };
    await runLoop([new SummarySaverHook({ every: { steps: 5 } }), new StopAtStepHook({ numSteps: 10 })], {
      writer,
      valuesAt: (s) => ({ loss: s }),
    });
    expect(written).toEqual([
      ['loss', 0, 1],
      ['loss', 5, 6],
    ]);
  });
});
