import { describe, expect, it } from 'vitest';
import { CheckpointSaverHook } from './checkpoint-saver-hook.js';
import { EveryN } from './every-n.js';
import { HookList } from './hook-list.js';
import { LoggingTensorHook } from './logging-tensor-hook.js';
import { NanTensorHook } from './nan-tensor-hook.js';
import { StepCounterHook } from './step-counter-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { SummarySaverHook } from './summary-saver-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('EveryN', () => {
  it('triggers on the first step, then every N steps', () => {
    const t = new EveryN({ steps: 10 });
    const hits: number[] = [];
    for (let s = 0; s < 35; s++) {
      if (!t.shouldTrigger(s)) continue;
      hits.push(s);
      t.markTriggered(s);
    }
    expect(hits).toEqual([0, 10, 20, 30]);
  });
  it('triggers by seconds with an injected clock', () => {
    let now = 0;
    const t = new EveryN({ secs: 5 }, () => now);
    expect(t.shouldTrigger(0)).toBe(true);
    t.markTriggered(0);
    now = 4;
    expect(t.shouldTrigger(1)).toBe(false);
    now = 5.5;
    expect(t.shouldTrigger(2)).toBe(true);
  });
  it('rejects a bad schedule with a clear message', () => {
    expect(() => new EveryN({ steps: 0 })).toThrow(
      /everyN\(\): expected \{steps: n\} or \{secs: n\} with n > 0. Received \{"steps":0\}/,
    );
  });
});

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

describe('StepCounterHook and SummarySaverHook', () => {
  it('write global_step/sec and loss scalars to the run writer', async () => {
    const written: [string, number, number][] = [];
    const writer = { scalar: (t: string, v: number, s: number) => void written.push([t, v, s]) };
    let now = 0; // each step takes 0.5 s on this clock
    await runLoop(
      [
        new StepCounterHook({ every: { steps: 5 }, log: null, batchSize: 8, now: () => now }),
        new SummarySaverHook({ every: { steps: 5 } }),
        new StopAtStepHook({ numSteps: 10 }),
      ],
      {
        writer,
        valuesAt: (s) => ({ loss: s }),
        onStep: () => {
          now += 0.5;
        },
      },
    );
    expect(written.filter(([t]) => t === 'loss').map(([, v, s]) => [v, s])).toEqual([
      [0, 1],
      [5, 6],
    ]);
    // 5 steps in 2.5 s: 2 steps/s, 16 examples/s with 8 per batch.
    expect(written.filter(([t]) => t === 'global_step/sec')).toEqual([
      ['global_step/sec', 2, 5],
      ['global_step/sec', 2, 10],
    ]);
    expect(written.filter(([t]) => t === 'examples/sec').map(([, v]) => v)).toEqual([16, 16]);
  });
});

describe('HookList', () => {
  it('names the hook that failed', async () => {
    const bad = {
      key: 'BadHook',
      beforeRun: () => {
        throw new Error('boom');
      },
    };
    await expect(runLoop([bad])).rejects.toThrow('BadHook.beforeRun() failed: boom');
  });
  it('names an async hook that rejects, in every per-step phase', async () => {
    const rejecting = (phase: 'beforeRun' | 'afterRun') => ({
      key: 'AsyncHook',
      [phase]: async () => {
        await new Promise((r) => setTimeout(r, 1));
        throw new Error(`late ${phase}`);
      },
    });
    await expect(runLoop([rejecting('beforeRun')])).rejects.toThrow('AsyncHook.beforeRun() failed: late beforeRun');
    await expect(runLoop([rejecting('afterRun')])).rejects.toThrow('AsyncHook.afterRun() failed: late afterRun');
  });
  it('runs synchronous and asynchronous hooks in order, waiting for each', async () => {
    const calls: string[] = [];
    const hook = (key: string, async: boolean) => ({
      key,
      beforeRun: () => {
        calls.push(`${key}.before`);
        return async ? new Promise<undefined>((r) => setTimeout(() => r(undefined), 2)) : undefined;
      },
      afterRun: async ? async () => void calls.push(`${key}.after`) : () => void calls.push(`${key}.after`),
    });
    const list = new HookList([hook('a', true), hook('b', false), hook('c', true)]);
    const ctx = { mode: 'train' as const, globalStep: 0, modelDir: '', requestStop: () => {}, stopRequested: false };
    await list.beforeRun(ctx);
    await list.afterRun(ctx, new Map());
    expect(calls).toEqual(['a.before', 'b.before', 'c.before', 'a.after', 'b.after', 'c.after']);
  });
  it('rejects a non-object hook', () => {
    expect(() => new HookList([null as never])).toThrow(/hooks\[0\] must be an object/);
  });
  it('calls onError on every hook when one fails', async () => {
    const errors: string[] = [];
    const list = new HookList([{ key: 'a', onError: (_c, e) => void errors.push(String(e)) }]);
    await list.onError({ mode: 'train', globalStep: 0, modelDir: '' }, new Error('x'));
    expect(errors).toEqual(['Error: x']);
  });
});
