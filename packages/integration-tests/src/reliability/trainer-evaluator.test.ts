import { Dataset } from '@estimatorjs/data';
import { latestCheckpoint, MemoryStorage, type ModelDirStorage, readCheckpoint } from '@estimatorjs/estimator';
import { fileStorage } from '@estimatorjs/estimator/node';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH, batchValues, FEATURES, makeEstimator, makeInputFn } from './fixture.mjs';
import { runChild } from './helpers.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => setupTestBackend('cpu'));

const evalInput = () =>
  Dataset.range(1000, 1002).map((s) => {
    const { x, y } = batchValues(s);
    return [tf.tensor2d(x, [BATCH, FEATURES]), tf.tensor1d(y, 'int32')] as const;
  });

/** Error code of a rejection, or 'ok'. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? `untyped ${(e as Error).message}`;
  }
}

describe('a trainer and an evaluator on one model directory', () => {
  it('the evaluator process never sees a partial checkpoint while the trainer saves and retires them', async () => {
    const d = tempModelDir('estimatorjs-pair-');
    cleanups.push(d.cleanup);
    // The trainer aims at a step it never reaches and is killed once the evaluator has read CHECKPOINTS distinct
    // checkpoints, so how many it sees does not depend on which process is faster. Retention 20 keeps the race
    // with deletion out of this test (see the next one); saving every 5 steps means the evaluator constantly reads
    // while writes are in flight. The evaluator waits for the trainer's next storage operation, never a timer.
    const CHECKPOINTS = 6;
    let wake: (() => void) | undefined;
    const nextTrainerEvent = () => new Promise<void>((r) => (wake = r));
    let finished = false;
    const trainer = runChild(
      'trainer-child.mjs',
      { modelDir: d.dir, maxSteps: 1_000_000, saveEvery: 5, keepMax: 20 },
      () => wake?.(),
    );
    void trainer.then(() => {
      finished = true;
      wake?.();
    });
    const storage = fileStorage(d.dir);
    const seen = new Map<string, number>();
    const steps = new Set<number>();
    const est = makeEstimator({ modelDir: d.dir });
    try {
      let last: string | null = null;
      while (steps.size < CHECKPOINTS && !finished) {
        const prefix = await latestCheckpoint(storage);
        if (prefix === null || prefix === last) {
          await nextTrainerEvent();
          continue;
        }
        last = prefix;
        // The low-level read and a full Estimator.evaluate() of the latest checkpoint.
        const read = await outcome(async () => {
          const { tensors, manifest } = await readCheckpoint(storage, prefix);
          steps.add(manifest.globalStep);
          tf.dispose(tensors);
        });
        seen.set(`read ${read}`, (seen.get(`read ${read}`) ?? 0) + 1);
        const evaluated = await outcome(async () => {
          const r = await est.evaluate(evalInput);
          expect(Number.isFinite(r.loss)).toBe(true);
        });
        seen.set(`evaluate ${evaluated}`, (seen.get(`evaluate ${evaluated}`) ?? 0) + 1);
      }
    } finally {
      trainer.kill();
      est.dispose();
    }
    const result = await trainer;
    expect(result.signal, `the trainer ended on its own: ${result.lines.at(-1)} ${result.stderr}`).toBe('SIGKILL');
    expect([...seen.keys()].sort()).toEqual(['evaluate ok', 'read ok']);
    expect(steps.size).toBe(CHECKPOINTS);
  }, 120_000);

  // Retention deleting the checkpoint mid-read must not look like corruption: the evaluator moves to the newer one.
  it('an evaluator whose checkpoint is retired mid-read is not told the checkpoint is corrupt', async () => {
    const inner = new MemoryStorage('race');
    const trainer = makeEstimator({ storage: inner, modelDir: 'race', saveEvery: 5, keepMax: 1 });
    await trainer.train(makeInputFn(), { maxSteps: 5 });
    let raced = false;
    // Between the evaluator's two reads, the trainer saves step 10 and retires step 5 (keepMax 1).
    const storage: ModelDirStorage = {
      location: inner.location,
      list: () => inner.list(),
      remove: (n) => inner.remove(n),
      writeAtomic: (n, data) => inner.writeAtomic(n, data),
      async read(name) {
        if (!raced && name === 'model.ckpt-5.weights.bin') {
          raced = true;
          await trainer.train(makeInputFn(), { maxSteps: 10 });
        }
        return inner.read(name);
      },
    };
    const evaluator = makeEstimator({ storage, modelDir: 'race' });
    const code = await outcome(() => evaluator.evaluate(evalInput));
    trainer.dispose();
    evaluator.dispose();
    expect(raced).toBe(true);
    expect(['ok', 'CHECKPOINT_NOT_FOUND']).toContain(code);
  });
});
