import { describe, expect, it } from 'vitest';
import { eventually, isSettled, ManualCalls } from './manual-calls.js';

describe('ManualCalls', () => {
  it('holds calls until released, in the order the test picks, and counts them in flight', async () => {
    const calls = new ManualCalls();
    const done: string[] = [];
    const all = ['a', 'b', 'c'].map((k) => calls.start(k).then(() => done.push(k)));
    expect([calls.started, calls.inFlight, calls.maxInFlight]).toEqual([3, 3, 3]);
    calls.release('c');
    calls.release('a');
    expect(await isSettled(all[1]!)).toBe(false);
    expect(done).toEqual(['c', 'a']);
    expect(calls.heldKeys).toEqual(['b']);
    expect(() => calls.release('a')).toThrow(/no held call 'a'; held: \[b\]/);
    calls.releaseFrom();
    await Promise.all(all);
    expect([done, calls.inFlight]).toEqual([['c', 'a', 'b'], 0]);
    await calls.start('later'); // finishes at once after releaseFrom()
  });

  it('whenStarted waits for calls that start later, and fails when none come', async () => {
    const calls = new ManualCalls();
    const started = calls.whenStarted(2);
    void calls.start('x');
    queueMicrotask(() => void calls.start('y'));
    await started;
    await expect(calls.whenStarted(3, 10)).rejects.toThrow(/whenStarted\(3\): only 2 call\(s\) started \[x, y\]/);
  });

  it('eventually waits for a condition by event-loop turns', async () => {
    let flag = false;
    setImmediate(() => setImmediate(() => (flag = true)));
    await eventually(() => flag, 'the flag');
    await expect(eventually(() => false, 'never', 5)).rejects.toThrow(/never did not happen within 5 event-loop turns/);
  });
});
