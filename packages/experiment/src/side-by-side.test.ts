import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { tempModelDir } from '@estimatorjs/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { readEvalMetrics } from './node/read-eval-metrics.js';

const run = promisify(execFile);
const script = resolve(__dirname, '..', 'test-fixtures', 'side-by-side.mjs');
const { dir, cleanup } = tempModelDir('side-by-side-');
afterAll(cleanup);

describe('a trainer and a continuous_eval process on one modelDir', () => {
  it('evaluates every checkpoint once, never a partial one, and exits after the final step', async () => {
    const modelDir = join(dir, 'model');
    const node = (schedule: string) => run('node', [script, schedule, modelDir, '30'], { cwd: dir, timeout: 90_000 });
    const [trainer, evaluator] = await Promise.all([node('train'), node('continuous_eval')]);
    expect(trainer.stdout).toContain('DONE train at 30');
    expect(evaluator.stdout).toContain('Exiting evaluation, global step 30 >= max steps 30.');
    expect(evaluator.stdout).toContain('DONE continuous_eval at 30');
    expect(evaluator.stderr).not.toMatch(/CORRUPT|Error/);
    const evaluated = [...evaluator.stdout.matchAll(/EVALUATED (\d+)/g)].map((m) => Number(m[1]));
    // The trainer waits for each evaluation (see the fixture), so every checkpoint it saved (every 3 steps) is
    // evaluated exactly once, in order, the last at step 30.
    expect(evaluated).toEqual([3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    // What the evaluator wrote to modelDir/eval is what it evaluated, readable by the early-stopping hooks.
    const metrics = await readEvalMetrics(join(modelDir, 'eval'));
    expect([...metrics.keys()]).toEqual(evaluated);
    for (const m of metrics.values()) expect(Object.keys(m)).toEqual(expect.arrayContaining(['accuracy', 'loss']));
    expect(readFileSync(join(modelDir, 'checkpoint'), 'utf8')).toContain('model_checkpoint_path: "model.ckpt-30"');
  });
});
