import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBarHook } from './progress-bar-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('ProgressBarHook', () => {
  function output(isTTY: boolean) {
    const chunks: string[] = [];
    return { chunks, out: { isTTY, columns: 100, write: (s: string) => void chunks.push(s) } };
  }
  it('draws a bar with loss, speed and ETA in place on a terminal', async () => {
    let now = 0;
    const { chunks, out } = output(true);
    await runLoop(
      [new ProgressBarHook({ numSteps: 10, output: out, now: () => now }), new StopAtStepHook({ numSteps: 10 })],
      {
        valuesAt: (s) => ({ loss: 1 / (s + 1) }),
        onStep: () => {
          now += 0.5;
        },
      },
    );
    expect(chunks.every((c) => c.startsWith('\r'))).toBe(true);
    expect(chunks[0]).toContain('[===>');
    expect(chunks[0]).toMatch(/1\/10 {2}10% {2}loss 1 {2}2\.00 steps\/s {2}ETA 5s/);
    expect(chunks.at(-1)).toMatch(/\[=+\] {2}10\/10 {2}100% {2}loss 0\.1 {2}2\.00 steps\/s {2}done in 5s/);
    expect(chunks.at(-1)!.endsWith('\u001b[K\n')).toBe(true);
  });
  it('writes plain lines every N seconds when the output is not a terminal', async () => {
    let now = 0;
    const { chunks, out } = output(false);
    await runLoop(
      [
        new ProgressBarHook({ lastStep: 20, output: out, now: () => now, every: { secs: 4 } }),
        new StopAtStepHook({ lastStep: 20 }),
      ],
      {
        onStep: () => {
          now += 1;
        },
        valuesAt: () => ({ loss: 0.5 }),
      },
    );
    expect(chunks.every((c) => !c.includes('\r') && c.endsWith('\n'))).toBe(true);
    expect(chunks.map((c) => c.split('  ')[0])).toEqual([
      'step 4/20',
      'step 8/20',
      'step 12/20',
      'step 16/20',
      'step 20/20',
    ]);
    expect(chunks[0]).toBe('step 4/20  20%  loss 0.5  1.00 steps/s  ETA 16s\n');
  });
  it('formats durations', () => {
    expect([formatDuration(5), formatDuration(95), formatDuration(4000)]).toEqual(['5s', '1m35s', '1h06m']);
  });
});
