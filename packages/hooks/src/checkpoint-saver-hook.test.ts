import { describe, expect, it } from 'vitest';
import { CheckpointSaverHook } from './checkpoint-saver-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('CheckpointSaverHook', () => {
  it('saves every N steps and at the end, after the other hooks', async () => {
    const saved: number[] = [];
    const order: string[] = [];
    const saver = {
      save: async (s: number) => {
        saved.push(s);
        order.push('save');
        return `model.ckpt-${s}`;
      },
    };
    const ckpt = new CheckpointSaverHook({ saver, every: { steps: 4 }, log: null });
    const other = { key: 'other', afterRun: () => void order.push('other') };
    await runLoop([ckpt, other, new StopAtStepHook({ numSteps: 10 })]);
    expect(saved).toEqual([4, 8, 10]);
    expect(order.slice(0, 5)).toEqual(['other', 'other', 'other', 'other', 'save']);
  });
  it('listeners see each save and can stop training', async () => {
    const seen: string[] = [];
    const saver = { save: async (s: number) => `ckpt-${s}` };
    const hook = new CheckpointSaverHook({
      saver,
      every: { steps: 2 },
      log: null,
      listeners: [
        {
          beforeSave: (s) => void seen.push(`before ${s}`),
          afterSave: (s, p) => {
            seen.push(`after ${s} ${p}`);
            return s >= 4;
          },
        },
      ],
    });
    const r = await runLoop([hook]);
    expect(r.finalStep).toBe(4);
    expect(seen).toEqual(['before 2', 'after 2 ckpt-2', 'before 4', 'after 4 ckpt-4']);
  });
});
