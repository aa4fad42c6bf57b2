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
    // Retention 20 keeps the race with deletion out of this test (see the next one); saving every 5 steps
    // means the evaluator constantly reads while writes are in flight.
    const trainer = runChild('trainer-child.mjs', { modelDir: d.dir, maxSteps: 800, saveEvery: 5, keepMax: 20 });
    let finished = false;
    void trainer.then(() => {
      finished = true;
    });
    const storage = fileStorage(d.dir);
    const seen = new Map<string, number>();
    const steps = new Set<number>();
    const est = makeEstimator({ modelDir: d.dir });
    while (!finished) {
      const prefix = await latestCheckpoint(storage);
      if (prefix === null) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
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
    est.dispose();
    const result = await trainer;
    expect(result.lines.at(-1), result.stderr).toBe('done 800');
    console.log('trainer/evaluator outcomes:', Object.fromEntries(seen), `checkpoints seen: ${steps.size}`);
    expect([...seen.keys()].sort()).toEqual(['evaluate ok', 'read ok']);
    expect(steps.size).toBeGreaterThan(3);
  }, 60_000);

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
