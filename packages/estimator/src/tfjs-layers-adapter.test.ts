import { readFileSync } from 'node:fs';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, listVariables, loadVariable } from './checkpoint/checkpoint-io.js';
import { MemoryStorage } from './checkpoint/storage.js';
import { Estimator, type ModelFn } from './estimator.js';
import { AdamOptimizer, layers, losses, ModeKeys, metrics, variableScope } from './index.js';
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

const modelFn: ModelFn<{ dropout?: number }> = (features, labels, mode, params) => {
  const conv1 = useLayer('conv1', () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }));
  const logits = useLayer('logits', () => tfl.layers.dense({ units: 3 }));
  let h = tf.reshape(conv1(features as tf.Tensor), [-1, 6 * 6 * 4]);
  if (params.dropout) h = useLayer('drop', () => tfl.layers.dropout({ rate: params.dropout! }))(h);
  const out = logits(h);
  if (mode === 'infer') return { mode, predictions: { logits: out } };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits: out });
  if (mode === 'eval')
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels as tf.Tensor, tf.argMax(out, 1)) } };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
};

function newEstimator(storage: MemoryStorage, fn: ModelFn<{ dropout?: number }> = modelFn, dropout = 0) {
  return new Estimator({
    modelFn: fn,
    params: { dropout },
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

  it('is reproducible from RunConfig.randomSeed (dropout included): 3 + 3 steps with a restart equal 6 steps bit for bit', async () => {
    const once = new MemoryStorage('a');
    const e1 = newEstimator(once, modelFn, 0.5);
    await e1.train(input(6), { steps: 6 });
    e1.dispose();
    const split = new MemoryStorage('b');
    const e2 = newEstimator(split, modelFn, 0.5);
    await e2.train(input(3), { steps: 3 });
    e2.dispose();
    const e3 = newEstimator(split, modelFn, 0.5);
    await e3.train(input(3, 3), { steps: 3 });
    e3.dispose();
    const w1 = await snapshot(once);
    const w2 = await snapshot(split);
    expect(Object.keys(w2).sort()).toEqual(Object.keys(w1).sort());
    for (const k of Object.keys(w1)) expect(w2[k], k).toEqual(w1[k]);
  });

  it('names the weights of a tf.sequential() by inner layer index, under the variable scope', async () => {
    const storage = new MemoryStorage('seq');
    const seqFn: ModelFn = (features, labels, mode) => {
      const mlp = variableScope('tower', () =>
        useLayer('mlp', () =>
          tfl.sequential({
            layers: [
              tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [64] }),
              tfl.layers.dense({ units: 3 }),
            ],
          }),
        ),
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
      expect.arrayContaining([
        'tower/mlp/layer_0/kernel',
        'tower/mlp/layer_0/bias',
        'tower/mlp/layer_1/kernel',
        'tower/mlp/layer_1/bias',
      ]),
    );
    est.dispose();
  });

  it("keeps a tfjs-layers batchNormalization's moving statistics as non-trainable variables it updates in TRAIN", async () => {
    const storage = new MemoryStorage('tflbn');
    const bnFn: ModelFn = (features, labels, mode) => {
      const flat = tf.reshape(features as tf.Tensor, [-1, 64]);
      const h = useLayer('bn', () => tfl.layers.batchNormalization({ momentum: 0.5 }))(flat);
      const out = useLayer('out', () => tfl.layers.dense({ units: 3 }))(h);
      if (mode === 'infer') return { mode, predictions: out };
      const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits: out });
      if (mode === 'eval') return { mode, loss };
      return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
    };
    const est = newEstimator(storage, bnFn);
    await est.train(input(3), { steps: 3 });
    const w = await snapshot(storage);
    expect(Object.keys(w)).toEqual(
      expect.arrayContaining(['bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance']),
    );
    expect(Object.keys(w).filter((n) => n.startsWith('optimizer/bn/moving'))).toEqual([]);
    // Exactly one update per step (none while building): m = ½(½(½·0 + ½μ0) + ½μ1) + ½μ2 per pixel.
    const means = [0, 1, 2].map((i) => {
      const [x, y] = batch(i);
      const m = tf.tidy(() => Array.from(tf.mean(tf.reshape(x, [-1, 64]), 0).dataSync()));
      tf.dispose([x, y]);
      return m;
    });
    const want = means[0]!.map((_, p) => 0.125 * means[0]![p]! + 0.25 * means[1]![p]! + 0.5 * means[2]![p]!);
    for (let p = 0; p < 64; p++) expect(w['bn/moving_mean']![p]).toBeCloseTo(want[p]!, 5);
    const evalBefore = await est.evaluate(input(2, 50));
    expect(await est.evaluate(input(2, 50))).toEqual(evalBefore);
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
    const sharing: ModelFn = (features, labels) => {
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

// The two model_fns of docs/estimator.md, verbatim (a test below checks the docs still hold exactly this code).
// #region docs:cnn-functional
interface MnistParams {
  readonly learning_rate: number;
  readonly dropout_rate: number;
}

const cnnModelFn: ModelFn<MnistParams, tf.Tensor, tf.Tensor> = (features, labels, mode, params) => {
  const training = mode === ModeKeys.TRAIN;
  const x = tf.reshape(features, [-1, 28, 28, 1]);
  const conv1 = layers.conv2d(x, 20, 5, { padding: 'same', activation: 'relu', name: 'conv1' });
  const pool1 = layers.maxPooling2d(conv1, 2, 2);
  const conv2 = layers.conv2d(pool1, 40, 5, { padding: 'same', activation: 'relu', name: 'conv2' });
  const pool2 = layers.maxPooling2d(conv2, 2, 2);
  const fc1 = layers.dense(layers.flatten(pool2), 256, { activation: 'relu', name: 'fc1' });
  const fc2 = layers.dense(layers.dropout(fc1, { rate: params.dropout_rate, training }), 256, {
    activation: 'relu',
    name: 'fc2',
  });
  const logits = layers.dense(layers.dropout(fc2, { rate: params.dropout_rate, training }), 10, { name: 'logits' });
  const classes = tf.argMax(logits, 1);
  if (mode === ModeKeys.PREDICT) return { mode, predictions: { classes, probabilities: tf.softmax(logits) } };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
  if (mode === ModeKeys.EVAL) {
    return {
      mode,
      loss,
      evalMetricOps: {
        accuracy: metrics.accuracy(labels, classes),
        top3_accuracy: metrics.recallAtK(labels, logits, 3),
      },
    };
  }
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: params.learning_rate }).minimize(loss) };
};
// #endregion
// #region docs:cnn-tfjs-layers
const cnnLayersModelFn: ModelFn<MnistParams, tf.Tensor, tf.Tensor> = (features, labels, mode, params) => {
  const conv = (filters: number) => () =>
    tfl.layers.conv2d({ filters, kernelSize: 5, padding: 'same', activation: 'relu' });
  const pool = () => tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 });
  const drop = () => tfl.layers.dropout({ rate: params.dropout_rate });
  const x = tf.reshape(features, [-1, 28, 28, 1]);
  const pool1 = useLayer('pool1', pool)(useLayer('conv1', conv(20))(x));
  const pool2 = useLayer('pool2', pool)(useLayer('conv2', conv(40))(pool1));
  const flat = useLayer('flatten', () => tfl.layers.flatten())(pool2);
  const fc1 = useLayer('fc1', () => tfl.layers.dense({ units: 256, activation: 'relu' }))(flat);
  const fc2 = useLayer('fc2', () => tfl.layers.dense({ units: 256, activation: 'relu' }))(useLayer('drop1', drop)(fc1));
  const logits = useLayer('logits', () => tfl.layers.dense({ units: 10 }))(useLayer('drop2', drop)(fc2));
  const classes = tf.argMax(logits, 1);
  if (mode === ModeKeys.PREDICT) return { mode, predictions: { classes, probabilities: tf.softmax(logits) } };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
  if (mode === ModeKeys.EVAL) {
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels, classes) } };
  }
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: params.learning_rate }).minimize(loss) };
};
// #endregion

const mnistLike = (batches: number, size = 2) =>
  async function* () {
    for (let i = 0; i < batches; i++) {
      const y = Int32Array.from({ length: size }, (_, k) => (i * size + k) % 10);
      const x = new Float32Array(size * 784);
      y.forEach((c, k) => {
        for (let p = 0; p < 784; p++) x[k * 784 + p] = ((p * (c + 3) + k) % 17) / 17;
      });
      yield [tf.tensor2d(x, [size, 784]), tf.tensor1d(y, 'int32')] as const;
    }
  };

describe('the reference CNN of docs/estimator.md', () => {
  const params = { learning_rate: 0.002, dropout_rate: 0.5 };

  it('docs/estimator.md shows exactly the model_fns tested here', () => {
    const md = readFileSync(new URL('../../../docs/estimator.md', import.meta.url), 'utf8');
    const self = readFileSync(new URL(import.meta.url), 'utf8');
    for (const name of ['docs:cnn-functional', 'docs:cnn-tfjs-layers']) {
      const region = self.split(`// #region ${name}\n`)[1]!.split('// #endregion')[0]!;
      const start = md.indexOf('```ts', md.indexOf(`<!-- ${name} -->`));
      const block = md.slice(start, md.indexOf('```\n', start + 5));
      expect(block, name).toContain(region.trim());
    }
  });

  it('trains the tfjs-layers version 2 steps, and evaluates it', async () => {
    const est = new Estimator({
      modelFn: cnnLayersModelFn,
      params,
      config: new RunConfig({ storage: new MemoryStorage('cnn'), randomSeed: 1 }),
      log: () => {},
    });
    await est.train(mnistLike(2), { steps: 2 });
    expect(est.globalStep).toBe(2);
    const r = await est.evaluate(mnistLike(1));
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    est.dispose();
  });

  it('a checkpoint of the functional CNN restores into the tfjs-layers CNN (same variable names)', async () => {
    const storage = new MemoryStorage('shared');
    const config = new RunConfig({ modelDir: 'shared', storage, randomSeed: 5 });
    const functional = new Estimator({ modelFn: cnnModelFn, params, config, log: () => {} });
    await functional.train(mnistLike(1), { steps: 1 });
    const layered = new Estimator({ modelFn: cnnLayersModelFn, params, config, log: () => {} });
    const a: Float32Array[] = [];
    const b: Float32Array[] = [];
    for await (const p of functional.predict(mnistLike(1, 3)))
      a.push((p as { probabilities: Float32Array }).probabilities);
    for await (const p of layered.predict(mnistLike(1, 3)))
      b.push((p as { probabilities: Float32Array }).probabilities);
    expect(b).toHaveLength(3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 10; j++) expect(b[i]![j]).toBeCloseTo(a[i]![j]!, 5);
    functional.dispose();
    layered.dispose();
  });
});
