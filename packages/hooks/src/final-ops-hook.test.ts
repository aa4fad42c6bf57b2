import { describe, expect, it } from 'vitest';
import { FinalOpsHook } from './final-ops-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

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
