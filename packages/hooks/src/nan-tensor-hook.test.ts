import { describe, expect, it } from 'vitest';
import { NanTensorHook } from './nan-tensor-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('NanTensorHook', () => {
  it('fails with the step number when the loss turns NaN', async () => {
    await expect(
      runLoop([new NanTensorHook()], { valuesAt: (s) => ({ loss: s < 4 ? 1 : Number.NaN }) }),
    ).rejects.toThrow(/NanTensorHook.afterRun\(\) failed: NaN loss during training: loss = NaN at step 5/);
  });
  it('only stops when failOnNanLoss is false', async () => {
    const r = await runLoop([new NanTensorHook({ failOnNanLoss: false })], {
      valuesAt: (s) => ({ loss: s < 2 ? 1 : Number.POSITIVE_INFINITY }),
    });
    expect(r.finalStep).toBe(3);
    expect(r.stopReason).toMatch(/Infinity at step 3/);
  });
});
