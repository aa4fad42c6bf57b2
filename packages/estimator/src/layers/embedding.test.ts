import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, loadVariable } from '../checkpoint/checkpoint-io.js';
import { MemoryStorage } from '../checkpoint/storage.js';
import { Estimator, type ModelFn } from '../estimator.js';
import { GradientDescentOptimizer } from '../optimizers.js';
import { RunConfig } from '../run-config.js';
import { embedding } from './embedding.js';

beforeAll(() => setupTestBackend('cpu'));

const VOCAB = 10;
const DIM = 4;
/** Pairs of ids (never id 9) and a target: the sum of their vectors should reach 1 in every component. */
const IDS = [
  [0, 1],
  [2, 3],
  [1, 4],
  [5, 6],
  [7, 8],
  [3, 3],
];

const input = (ids = IDS, epochs = 200) =>
  async function* () {
    for (let e = 0; e < epochs; e++)
      yield [tf.tensor2d(ids.flat(), [ids.length, 2], 'int32'), tf.ones([ids.length, DIM])] as const;
  };

const modelFn: ModelFn = (features, labels, mode) => {
  const vectors = embedding(features as tf.Tensor, { inputDim: VOCAB, outputDim: DIM, name: 'words' });
  if (mode === 'infer') return { mode, predictions: vectors };
  const loss = tf.losses.meanSquaredError(labels as tf.Tensor, tf.sum(vectors, 1)) as tf.Scalar;
  if (mode === 'eval') return { mode, loss };
  return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 1 }).minimize(loss) };
};

function newEstimator(storage = new MemoryStorage('emb')) {
  return new Estimator({ modelFn, config: new RunConfig({ modelDir: 'emb', storage, randomSeed: 9 }), log: () => {} });
}

describe('embedding()', () => {
  it('looks up rows of <name>/embeddings and trains only the rows it saw', async () => {
    const storage = new MemoryStorage('emb');
    const est = newEstimator(storage);
    await est.train(input(IDS, 1), { steps: 1 });
    const first = await loadVariable(storage, (await latestCheckpoint(storage))!, 'words/embeddings');
    expect(first.shape).toEqual([VOCAB, DIM]);
    const table0 = (await first.array()) as number[][];
    first.dispose();
    expect(table0[9]!.every((v) => Math.abs(v) <= 0.05 && v !== 0)).toBe(true);
    await est.train(input(), { steps: 100 });
    const results = await est.evaluate(input(IDS, 1));
    expect(results.loss).toBeLessThan(1e-3);
    const t = await loadVariable(storage, (await latestCheckpoint(storage))!, 'words/embeddings');
    const table = (await t.array()) as number[][];
    t.dispose();
    expect(table[9]).toEqual(table0[9]);
    // Predictions are the table's rows, per id.
    const rows: Float32Array[] = [];
    for await (const p of est.predict(input([[9, 4]], 1))) rows.push(p as Float32Array);
    expect(rows).toHaveLength(1);
    expect(Array.from(rows[0]!.subarray(0, DIM))).toEqual(table[9]!.map(Math.fround));
    expect(Array.from(rows[0]!.subarray(DIM))).toEqual(table[4]!.map(Math.fround));
    est.dispose();
  });

  it('names an id out of range and its position', async () => {
    const est = newEstimator();
    await expect(est.train(input([[1, 10]], 1), { steps: 1 })).rejects.toThrow(
      /embedding\(\): ids must be integers in \[0, 10\) \(inputDim\). Received 10 at flat position 1/,
    );
    est.dispose();
  });

  it('train(), evaluate() and predict() leak nothing', async () => {
    const est = newEstimator();
    await expectNoLeaks(() => est.train(input(), { steps: 2 }), { warmup: true });
    await expectNoLeaks(() => est.evaluate(input(IDS, 1)));
    await expectNoLeaks(async () => {
      for await (const _ of est.predict(input(IDS, 1))) void _;
    });
    est.dispose();
  });
});
