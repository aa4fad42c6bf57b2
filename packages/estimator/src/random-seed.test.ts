import { Dataset } from '@estimatorjs/data';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, listVariables, loadVariable } from './checkpoint/checkpoint-io.js';
import { MemoryStorage } from './checkpoint/storage.js';
import { Estimator, type ModelFn } from './estimator.js';
import { initializers } from './initializers.js';
import { dense } from './layers/dense.js';
import { dropout } from './layers/dropout.js';
import { layerHarness } from './layers/layer-context.test-util.js';
import { losses } from './losses/index.js';
import { GradientDescentOptimizer } from './optimizers.js';
import { random } from './random.js';
import { RunConfig } from './run-config.js';

beforeAll(() => setupTestBackend('cpu'));

const N = 12;
const X = Array.from({ length: N * 3 }, (_, i) => Math.sin(i));
const Y = Array.from({ length: N }, (_, i) => (i % 3) - 1);

/**
 * No per-op seed anywhere: an unseeded shuffle, glorot and orthogonal initializers, dropout and random.normal noise
 * all take their randomness from RunConfig.randomSeed. `firstIds` records the example ids of every batch.
 */
function setup(firstIds: number[][]) {
  const inputFn = () =>
    Dataset.fromTensorSlices({ x: tf.tensor2d(X, [N, 3]), y: tf.tensor2d(Y, [N, 1]), id: tf.range(0, N) })
      .shuffle(N)
      .repeat()
      .batch(4)
      .map(({ x, y, id }) => [{ x, id }, y] as const);
  const modelFn: ModelFn = (features, labels, mode) => {
    const f = features as { x: tf.Tensor; id: tf.Tensor };
    if (mode === 'train') firstIds.push(Array.from(f.id.dataSync()));
    const noisy = tf.add(f.x, tf.mul(0.1, random.normal(f.x.shape)));
    const h = dropout(dense(noisy, 8, { activation: 'relu', kernelInitializer: initializers.orthogonal() }), {
      rate: 0.3,
    });
    const out = dense(h, 1, { kernelInitializer: initializers.heNormal() });
    const loss = losses.meanSquaredError({ labels: labels as tf.Tensor, predictions: out });
    if (mode !== 'train') return { mode: 'eval', loss };
    return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.05 }).minimize(loss) };
  };
  return { inputFn, modelFn };
}

async function run(seed: number | undefined, stepsPerCall: number[], storage = new MemoryStorage('seed')) {
  const ids: number[][] = [];
  const { inputFn, modelFn } = setup(ids);
  for (const steps of stepsPerCall) {
    // A new Estimator per call, as a restarted process would build.
    const est = new Estimator({
      modelFn,
      config: new RunConfig({ modelDir: 'seed', storage, randomSeed: seed }),
      log: () => {},
    });
    await est.train(inputFn, { steps });
    est.dispose();
  }
  const prefix = (await latestCheckpoint(storage))!;
  const weights: Record<string, number[]> = {};
  for (const [name] of await listVariables(storage, prefix)) {
    if (!name.startsWith('dense')) continue;
    const t = await loadVariable(storage, prefix, name);
    weights[name] = Array.from(t.dataSync());
    t.dispose();
  }
  // Each new Estimator first runs the model_fn once on the first batch to build the model, then steps on it: keep
  // one entry per step.
  const steps = ids.filter((b, i) => i === 0 || b.join() !== ids[i - 1]!.join());
  return { weights, ids: steps };
}

describe('RunConfig.randomSeed is the graph seed', () => {
  it('two runs with the same seed are identical: shuffle order, initial weights, dropout, random.normal', async () => {
    const a = await run(5, [6]);
    const b = await run(5, [6]);
    expect(b.ids).toEqual(a.ids);
    expect(b.weights).toEqual(a.weights);
    expect(Object.keys(a.weights).sort()).toEqual(['dense/bias', 'dense/kernel', 'dense_1/bias', 'dense_1/kernel']);
    const c = await run(6, [6]);
    expect(c.ids).not.toEqual(a.ids);
    expect(c.weights['dense/kernel']).not.toEqual(a.weights['dense/kernel']);
  });

  it('a run resumed from its checkpoint ends bit-exactly where the uninterrupted one does, without per-op seeds', async () => {
    const straight = await run(5, [7]);
    const resumed = await run(5, [3, 4]);
    expect(straight.ids).toHaveLength(7);
    expect(resumed.ids).toEqual(straight.ids);
    expect(resumed.weights).toEqual(straight.weights);
  });
});

describe('random.*', () => {
  it('is reproducible per run seed, differs per call position and per step, and takes an op seed', () => {
    const draw = (seed: number | undefined) => {
      const h = layerHarness(seed as number);
      const out = [0, 1].map(() =>
        h
          .call(() => [random.normal([3]), random.uniform([3], { minval: 2, maxval: 4 }), random.truncatedNormal([3])])
          .map((t) => {
            const v = Array.from(t.dataSync());
            t.dispose();
            return v;
          }),
      );
      h.dispose();
      return out;
    };
    const a = draw(11);
    expect(draw(11)).toEqual(a);
    expect(draw(12)).not.toEqual(a);
    expect(a[0]![0]).not.toEqual(a[0]![2]); // two ops in one call
    expect(a[0]![0]).not.toEqual(a[1]![0]); // the same op at the next step
    expect(a[0]![1]!.every((v) => v >= 2 && v < 4)).toBe(true);
    const h = layerHarness(undefined as never);
    const withOpSeed = () => h.call(() => Array.from(random.normal([2], { seed: 3 }).dataSync()));
    const h2 = layerHarness(undefined as never);
    expect(h2.call(() => Array.from(random.normal([2], { seed: 3 }).dataSync()))).toEqual(withOpSeed());
    expect(() => h.call(() => random.normal([2], { sed: 3 } as never))).toThrow(
      /unknown option "sed"\. Did you mean "seed"\?/,
    );
    expect(() => random.normal([2])).toThrow(/random\.normal\(\) must be called inside a model_fn/);
    h.dispose();
    h2.dispose();
  });
});
