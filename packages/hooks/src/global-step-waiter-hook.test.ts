import { describe, expect, it } from 'vitest';
import { GlobalStepWaiterHook } from './global-step-waiter-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

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
