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
  it('log() puts each log line on a line of its own, above the bar, on a terminal and in a log file', async () => {
    // What a terminal shows for the written text: \r returns to column 0, ESC[K erases to the end of the line.
    const screen = (text: string): string[] => {
      const lines = [''];
      let col = 0;
      for (let i = 0; i < text.length; i++) {
        const row = lines.length - 1;
        if (text.startsWith('\u001b[K', i)) {
          lines[row] = lines[row]!.slice(0, col);
          i += 2;
        } else if (text[i] === '\r') col = 0;
        else if (text[i] === '\n') {
          lines.push('');
          col = 0;
        } else {
          const line = lines[row]!;
          lines[row] = line.slice(0, col) + text[i] + line.slice(col + 1);
          col++;
        }
      }
      return lines;
    };
    for (const isTTY of [true, false]) {
      let now = 0;
      const { chunks, out } = output(isTTY);
      const bar = new ProgressBarHook({ numSteps: 6, output: out, now: () => now, every: { steps: 2 } });
      bar.log('before training');
      await runLoop([bar, new StopAtStepHook({ numSteps: 6 })], {
        valuesAt: () => ({ loss: 0.5 }),
        onStep: (step) => {
          now += 1;
          if (step % 2 === 1) bar.log(`loss = 0.5, step = ${step}`);
        },
      });
      bar.log('after training');
      const lines = screen(chunks.join(''));
      const logs = lines.filter((l) => /before|loss = |after/.test(l));
      expect(logs, `isTTY=${isTTY}`).toEqual([
        'before training',
        'loss = 0.5, step = 1',
        'loss = 0.5, step = 3',
        'loss = 0.5, step = 5',
        'after training',
      ]);
      const bars = lines.filter((l) => /steps\/s|step \d+\/6/.test(l));
      expect(bars.length).toBeGreaterThan(0);
      expect(bars.at(-1), `isTTY=${isTTY}`).toMatch(/6\/6 {2}100%/);
      if (isTTY) expect(bars).toHaveLength(1); // redrawn in place: one bar on the screen, below the log lines
      expect(lines.at(-1)).toBe('');
    }
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
