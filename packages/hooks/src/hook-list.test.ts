import { describe, expect, it } from 'vitest';
import { HookList } from './hook-list.js';
import { runLoop } from './test-loop.test-util.js';

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
