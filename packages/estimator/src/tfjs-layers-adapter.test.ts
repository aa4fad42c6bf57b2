import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, listVariables, loadVariable } from './checkpoint/checkpoint-io.js';
import { MemoryStorage } from './checkpoint/storage.js';
import { Estimator, type ModelFn } from './estimator.js';
import { losses } from './losses.js';
import { metrics } from './metrics/index.js';
import { AdamOptimizer } from './optimizers.js';
import { RunConfig } from './run-config.js';
import { useLayer } from './tfjs-layers-adapter.js';

beforeAll(() => setupTestBackend('cpu'));

const B = 16;
/** 8×8 images whose class is the quadrant-row holding the bright square (3 classes), deterministic. */
function batch(i: number): [tf.Tensor4D, tf.Tensor1D] {
  const x = new Float32Array(B * 64);
  const y = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const k = (i * B + b) % 3;
    const col = (i * 7 + b * 3) % 6;
    y[b] = k;
    for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) x[b * 64 + (k * 3 + r) * 8 + col + c] = 1;
    for (let p = 0; p < 64; p++) x[b * 64 + p] = x[b * 64 + p]! + 0.1 * Math.sin(p * 1.7 + b + i);
  }
  return [tf.tensor4d(x, [B, 8, 8, 1]), tf.tensor1d(y, 'int32')];
}

/** `batches` batches, starting at `from` (a resumed run continues the sequence by the global step). */
const input = (batches: number, from = 0) =>
  async function* () {
    for (let i = from; i < from + batches; i++) yield batch(i);
  };

const modelFn: ModelFn = (features, labels, mode) => {
  const conv1 = useLayer('conv1', () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }));
  const logits = useLayer('logits', () => tfl.layers.dense({ units: 3 }));
  const h = conv1(features as tf.Tensor);
  const out = logits(tf.reshape(h, [-1, 6 * 6 * 4]));
  if (mode === 'infer') return { mode, predictions: { logits: out } };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits: out });
  if (mode === 'eval')
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels as tf.Tensor, tf.argMax(out, 1)) } };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
};

function newEstimator(storage: MemoryStorage, fn: ModelFn = modelFn) {
  return new Estimator({
    modelFn: fn,
    config: new RunConfig({ modelDir: 'tfl', storage, randomSeed: 7, saveCheckpointsSteps: 1000 }),
    log: () => {},
  });
}

async function snapshot(storage: MemoryStorage): Promise<Record<string, number[]>> {
  const prefix = (await latestCheckpoint(storage))!;
  const out: Record<string, number[]> = {};
  for (const [name] of await listVariables(storage, prefix)) {
    const t = await loadVariable(storage, prefix, name);
    out[name] = Array.from(await t.data());
    t.dispose();
  }
  return out;
}

describe('useLayer() with @tensorflow/tfjs-layers', () => {
  it('trains a Conv2D + Dense model, checkpoints its weights by stable names and restores them', async () => {
    const storage = new MemoryStorage('tfl');
    const est = newEstimator(storage);
    await est.train(input(1), { steps: 1 });
    const before = await est.evaluate(input(6, 100));
    await est.train(input(40, 1), { steps: 40 });
    const after = await est.evaluate(input(6, 100));
    expect(after.loss).toBeLessThan(before.loss * 0.5);
    expect(after.accuracy).toBeGreaterThan(0.9);
    const names = (await listVariables(storage, (await latestCheckpoint(storage))!)).map(
      ([n, shape]) => `${n}:${shape}`,
    );
    expect(names).toEqual(
      expect.arrayContaining(['conv1/kernel:3,3,1,4', 'conv1/bias:4', 'logits/kernel:144,3', 'logits/bias:3']),
    );
    expect(names.some((n) => n.startsWith('optimizer/conv1/kernel'))).toBe(true);
    // A new Estimator (a restart) restores the same weights: identical predictions and metrics.
    const restored = newEstimator(storage);
    expect(await restored.evaluate(input(6, 100))).toEqual(after);
    const a: Float32Array[] = [];
    const b: Float32Array[] = [];
    for await (const p of est.predict(input(2, 200))) a.push((p as { logits: Float32Array }).logits);
    for await (const p of restored.predict(input(2, 200))) b.push((p as { logits: Float32Array }).logits);
    expect(b).toEqual(a);
    est.dispose();
    restored.dispose();
  });

  it('is reproducible from RunConfig.randomSeed, and 3 + 3 steps with a restart equal 6 steps bit for bit', async () => {
    const once = new MemoryStorage('a');
    const e1 = newEstimator(once);
    await e1.train(input(6), { steps: 6 });
    e1.dispose();
    const split = new MemoryStorage('b');
    const e2 = newEstimator(split);
    await e2.train(input(3), { steps: 3 });
    e2.dispose();
    const e3 = newEstimator(split);
    await e3.train(input(3, 3), { steps: 3 });
    e3.dispose();
    const w1 = await snapshot(once);
    const w2 = await snapshot(split);
    expect(Object.keys(w2).sort()).toEqual(Object.keys(w1).sort());
    for (const k of Object.keys(w1)) expect(w2[k], k).toEqual(w1[k]);
  });

  it('names the weights of a tf.sequential() by inner layer index', async () => {
    const storage = new MemoryStorage('seq');
    const seqFn: ModelFn = (features, labels, mode) => {
      const mlp = useLayer('mlp', () =>
        tfl.sequential({
          layers: [
            tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [64] }),
            tfl.layers.dense({ units: 3 }),
          ],
        }),
      );
      const out = mlp(tf.reshape(features as tf.Tensor, [-1, 64]));
      if (mode === 'infer') return { mode, predictions: out };
      const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits: out });
      if (mode === 'eval') return { mode, loss };
      return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
    };
    const est = newEstimator(storage, seqFn);
    await est.train(input(2), { steps: 2 });
    const names = (await listVariables(storage, (await latestCheckpoint(storage))!)).map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining(['mlp/layer_0/kernel', 'mlp/layer_0/bias', 'mlp/layer_1/kernel', 'mlp/layer_1/bias']),
    );
    est.dispose();
  });

  it('train(), evaluate() and predict() leak nothing', async () => {
    const est = newEstimator(new MemoryStorage('leak'));
    await expectNoLeaks(() => est.train(input(2), { steps: 2 }), { warmup: true });
    await expectNoLeaks(() => est.evaluate(input(2)));
    await expectNoLeaks(async () => {
      for await (const _ of est.predict(input(1))) void _;
    });
    est.dispose();
  });

  it('explains a factory that returns no layer, or a layer another Estimator uses', async () => {
    const notALayer: ModelFn = (features) => {
      useLayer('x', () => ({}) as never);
      return { mode: 'infer', predictions: features as tf.Tensor };
    };
    await expect(newEstimator(new MemoryStorage('e'), notALayer).train(input(1), { steps: 1 })).rejects.toThrow(
      /useLayer\(\): the factory for "x" must return a @tensorflow\/tfjs-layers layer/,
    );
    const shared = tfl.layers.dense({ units: 3 });
    const sharing: ModelFn = (features, labels, mode) => {
      const out = useLayer('d', () => shared)(tf.reshape(features as tf.Tensor, [-1, 64]));
      const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits: out });
      return { mode: 'train', loss, trainOp: new AdamOptimizer().minimize(loss) };
    };
    const first = newEstimator(new MemoryStorage('s1'), sharing);
    await first.train(input(1), { steps: 1 });
    const second = newEstimator(new MemoryStorage('s2'), sharing);
    await expect(second.train(input(1), { steps: 1 })).rejects.toThrow(
      /already uses. Create the layer inside the factory/,
    );
    first.dispose();
    second.dispose();
  });
});
