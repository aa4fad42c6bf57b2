import { copyFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckpointState, rebuildCheckpointState } from '@estimatorjs/estimator';
import { fileStorage } from '@estimatorjs/estimator/node';
import { setupTestBackend } from '@estimatorjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEstimator, makeInputFn } from './fixture.mjs';
import { checkStateFile, rejection, tempDirs } from './helpers.js';

// Issue 17, item 1: the model directory's checkpoints are deleted only when the `checkpoint` state file tracked them.
const newDir = tempDirs('estimatorjs-state-');
beforeAll(() => setupTestBackend('cpu'));

const ckptFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith('model.ckpt-'))
    .sort();

async function trainTo(dir: string, maxSteps: number, extra: { keepMax?: number; log?: (l: string) => void } = {}) {
  const est = makeEstimator({ modelDir: dir, saveEvery: 10, keepMax: extra.keepMax ?? 3, log: extra.log });
  try {
    await est.train(makeInputFn(), { maxSteps });
  } finally {
    est.dispose();
  }
}

describe('a missing checkpoint state file', () => {
  it('refuses to train over checkpoints no state file names: an error naming the newest, no file deleted', async () => {
    const dir = newDir();
    await trainTo(dir, 30);
    rmSync(join(dir, 'checkpoint'));
    const before = ckptFiles(dir);
    expect(before).toContain('model.ckpt-30.index.json');
    const est = makeEstimator({ modelDir: dir, saveEvery: 10 });
    const err = await rejection(() => est.train(makeInputFn(), { maxSteps: 60 }));
    est.dispose();
    expect(err.code).toBe('STATE_FILE_MISSING');
    expect(err.message).toMatch(/^Estimator\.train\(\): .* holds 3 checkpoint\(s\) \(newest model\.ckpt-30\)/);
    expect(err.message).toMatch(/rebuildCheckpointState: true/);
    expect(err.message).not.toMatch(/\n/);
    expect(ckptFiles(dir)).toEqual(before);
    expect(await readCheckpointState(fileStorage(dir))).toBeNull();
  });

  it('RunConfig.rebuildCheckpointState rebuilds the state file from what loads and resumes from the newest', async () => {
    const dir = newDir();
    await trainTo(dir, 30);
    rmSync(join(dir, 'checkpoint'));
    // A truncated weights file: that checkpoint does not load and is left out.
    writeFileSync(join(dir, 'model.ckpt-30.weights.bin'), 'short');
    const lines: string[] = [];
    const est = makeEstimator({
      modelDir: dir,
      saveEvery: 10,
      rebuildCheckpointState: true,
      log: (l) => lines.push(l),
    });
    await est.train(makeInputFn(), { maxSteps: 40 });
    est.dispose();
    expect(lines.join('\n')).toMatch(/Rebuilt the missing 'checkpoint' state file .*: latest model\.ckpt-20/);
    expect(lines.join('\n')).toMatch(/Restored model\.ckpt-20; resuming training from global step 20/);
    expect((await checkStateFile(fileStorage(dir))).latest).toBe('model.ckpt-40');
    // rebuildCheckpointState() never replaces an existing state file.
    await expect(rebuildCheckpointState(fileStorage(dir))).rejects.toMatchObject({ code: 'STATE_FILE_EXISTS' });
  });

  it('checkpoints another run left that the state file does not track survive saves', async () => {
    const dir = newDir();
    await trainTo(dir, 30);
    // A different run's (or a rolled-back state file's) checkpoints below the current step.
    const other = newDir();
    await trainTo(other, 20, { keepMax: 5 });
    for (const f of ckptFiles(other)) {
      copyFileSync(
        join(other, f),
        join(
          dir,
          f.replace(/ckpt-(\d+)/, (_, n) => `ckpt-${Number(n) + 1}`),
        ),
      );
    }
    const foreign = ckptFiles(dir).filter((f) => /ckpt-(11|21)\./.test(f));
    expect(foreign.length).toBe(4);
    await trainTo(dir, 60);
    for (const f of foreign) expect(ckptFiles(dir)).toContain(f);
  });

  it('an absolute path to the same directory (through a symlink) keeps the listed checkpoints', async () => {
    const dir = newDir();
    await trainTo(dir, 30);
    const link = `${dir}-link`;
    symlinkSync(dir, link);
    try {
      writeFileSync(
        join(dir, 'checkpoint'),
        ['model.ckpt-30', 'model.ckpt-10', 'model.ckpt-20', 'model.ckpt-30']
          .map((p, i) => `${i === 0 ? 'model_checkpoint_path' : 'all_model_checkpoint_paths'}: "${link}/${p}"`)
          .concat('all_model_checkpoint_paths: "/elsewhere/model.ckpt-5"', '')
          .join('\n'),
      );
      const lines: string[] = [];
      await trainTo(dir, 40, { keepMax: 5, log: (l) => lines.push(l) });
      expect(lines.join('\n')).toMatch(/Restored model\.ckpt-30; resuming training from global step 30/);
      const state = await readCheckpointState(fileStorage(dir));
      expect(state?.allModelCheckpointPaths).toEqual([
        'model.ckpt-10',
        'model.ckpt-20',
        'model.ckpt-30',
        '/elsewhere/model.ckpt-5',
        'model.ckpt-40',
      ]);
      for (const s of [10, 20, 30, 40]) expect(ckptFiles(dir)).toContain(`model.ckpt-${s}.index.json`);
    } finally {
      rmSync(link);
    }
  });
});
