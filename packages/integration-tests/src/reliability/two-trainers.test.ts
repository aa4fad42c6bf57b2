import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setupTestBackend } from '@estimatorjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEstimator, makeInputFn } from './fixture.mjs';
import { type ChildResult, rejection, runChild, tempDirs } from './helpers.js';

// Issue 17, item 6: one trainer per model directory; evaluators still run beside it; a dead trainer's lock is stale.
const newDir = tempDirs('estimatorjs-lock-');
beforeAll(() => setupTestBackend('cpu'));
const LOCK = '.estimatorjs-trainer.lock';

describe('two trainers, one model_dir', () => {
  it('a second trainer fails at start naming the first; an evaluator runs beside it; a killed trainer leaves a stale lock that is taken over', async () => {
    const dir = newDir();
    let pid = 0;
    let onSaved: () => void = () => {};
    const saved = new Promise<void>((r) => {
      onSaved = r;
    });
    let killChild: () => void = () => {};
    // The child trains for ever; once its first checkpoint is complete, the test works beside it, then kills it.
    const child: Promise<ChildResult> = runChild(
      'trainer-child.mjs',
      { modelDir: dir, maxSteps: 1_000_000, saveEvery: 10 },
      (line, kill) => {
        killChild = kill;
        // Printed as the second save starts, so the first one (state file included) is complete.
        if (/^op \d+ write model\.ckpt-20\.weights\.bin$/.test(line)) onSaved();
      },
    );
    await saved;
    const owner = JSON.parse(readFileSync(join(dir, LOCK), 'utf8'));
    pid = owner.pid;
    expect(owner.host).toBe(hostname());

    const second = makeEstimator({ modelDir: dir, saveEvery: 10 });
    const err = await rejection(() => second.train(makeInputFn(), { maxSteps: 5 }));
    expect(err.code).toBe('MODEL_DIR_LOCKED');
    expect(err.message).toContain(`already being trained by process ${pid} on host ${hostname()}`);
    expect(err.message).not.toMatch(/\n/);
    // An evaluator needs no lock.
    const results = await second.evaluate(makeInputFn(), { steps: 2 });
    expect(results.globalStep).toBeGreaterThanOrEqual(10);
    second.dispose();

    killChild();
    const ended = await child;
    expect(ended.signal).toBe('SIGKILL');
    expect(existsSync(join(dir, LOCK))).toBe(true);
    // The owner is gone: the next trainer takes the lock over, trains, and releases it.
    const lines: string[] = [];
    const third = makeEstimator({ modelDir: dir, saveEvery: 10, log: (l) => lines.push(l) });
    const start = results.globalStep;
    await third.train(makeInputFn(), { steps: 3 });
    third.dispose();
    expect(lines.join('\n')).toMatch(/Restored model\.ckpt-\d+; resuming training/);
    expect(third.globalStep).toBeGreaterThanOrEqual(start + 3);
    expect(existsSync(join(dir, LOCK))).toBe(false);
  }, 60_000);
});
