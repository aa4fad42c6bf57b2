import { describe, expect, it } from 'vitest';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('StopAtStepHook', () => {
  it('numSteps counts from the step at begin', async () => {
    const r = await runLoop([new StopAtStepHook({ numSteps: 7 })], { startStep: 100 });
    expect(r.finalStep).toBe(107);
  });
  it('lastStep is absolute', async () => {
    const r = await runLoop([new StopAtStepHook({ lastStep: 12 })], { startStep: 5 });
    expect(r.finalStep).toBe(12);
  });
});
