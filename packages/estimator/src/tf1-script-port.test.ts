import { Dataset } from '@estimatorjs/data';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { listVariables, loadVariable } from './checkpoint/checkpoint-io.js';
import { MemoryStorage } from './checkpoint/storage.js';
import { Estimator, type ModelFn } from './estimator.js';
import { layers, losses, MomentumOptimizer, metrics, RunConfig, regularizers } from './index.js';

beforeAll(() => setupTestBackend('cpu'));

// The shape of a TF 1.x script port: tf.layers.dense with kernel_regularizer=l2_regularizer(scale),
// tf.losses.softmax_cross_entropy(onehot, logits, label_smoothing), train_op =
// MomentumOptimizer(lr, 0.9).minimize(tf.losses.get_total_loss()), and the spec reporting the data loss.
const N = 96;
const xs = new Float32Array(N * 4).map((_, i) => Math.sin(i * 7.31) * 0.5 + 0.5);
const ys = Int32Array.from(
  { length: N },
  (_, i) => (xs[i * 4]! > xs[i * 4 + 1]! ? 1 : 0) + (xs[i * 4 + 2]! > 0.5 ? 1 : 0),
);

const modelFn: ModelFn = (features, labels, mode) => {
  const l2 = regularizers.l2Regularizer(1e-3);
  const hidden = layers.dense(features as tf.Tensor, 8, { activation: 'relu', name: 'hidden', kernelRegularizer: l2 });
  const logits = layers.dense(hidden, 3, { name: 'logits', kernelRegularizer: l2 });
  if (mode === 'infer') return { mode, predictions: { classes: tf.argMax(logits, 1) } };
  const onehotLabels = tf.oneHot(tf.cast(labels as tf.Tensor, 'int32') as tf.Tensor1D, 3);
  const loss = losses.softmaxCrossEntropy({ onehotLabels, logits, labelSmoothing: 0.1 });
  if (mode === 'eval') {
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels as tf.Tensor, tf.argMax(logits, 1)) } };
  }
  const total = losses.getTotalLoss();
  return { mode, loss, trainOp: new MomentumOptimizer({ learningRate: 0.2, momentum: 0.9 }).minimize(total) };
};

let columns: [tf.Tensor, tf.Tensor] | null = null;
const inputFn = () => {
  columns ??= [tf.tensor2d(xs, [N, 4]), tf.tensor1d(ys, 'int32')];
  return Dataset.fromTensorSlices(columns).repeat().shuffle(50, { seed: 3 }).batch(16);
};
const evalInputFn = () => {
  columns ??= [tf.tensor2d(xs, [N, 4]), tf.tensor1d(ys, 'int32')];
  return Dataset.fromTensorSlices(columns).batch(32);
};

function estimator(storage: MemoryStorage) {
  return new Estimator({
    modelFn,
    config: new RunConfig({
      modelDir: 'unused',
      storage,
      randomSeed: 5,
      saveCheckpointsSteps: 1000,
      logStepCountSteps: 1000,
    }),
    log: () => {},
  });
}

async function snapshot(storage: MemoryStorage, prefix: string) {
  const out = new Map<string, Float32Array | Int32Array | Uint8Array>();
  for (const [name] of await listVariables(storage, prefix)) {
    const t = await loadVariable(storage, prefix, name);
    out.set(name, (await t.data()) as Float32Array);
    t.dispose();
  }
  return out;
}

describe('a TF 1.x script port: softmaxCrossEntropy + L2 regularization + Momentum', () => {
  it('trains, resumes bit-exactly and evaluates', async () => {
    const straight = new MemoryStorage('straight');
    const a = estimator(straight);
    await a.train(inputFn, { maxSteps: 40 });
    a.dispose();
    const resumed = new MemoryStorage('resumed');
    const b1 = estimator(resumed);
    await b1.train(inputFn, { maxSteps: 20 });
    b1.dispose();
    const b2 = estimator(resumed);
    await b2.train(inputFn, { maxSteps: 40 });
    const wa = await snapshot(straight, 'model.ckpt-40');
    const wb = await snapshot(resumed, 'model.ckpt-40');
    expect([...wb.keys()].sort()).toEqual([...wa.keys()].sort());
    expect(wa.has('optimizer/hidden/kernel/Momentum')).toBe(true);
    for (const [name, values] of wa) expect(wb.get(name), name).toEqual(values);
    const results = await b2.evaluate(evalInputFn);
    expect(results.globalStep).toBe(40);
    expect(results.accuracy).toBeGreaterThan(0.6);
    // The reported loss is the data loss alone: recompute it from the trained weights by hand (no regularization).
    const w = await snapshot(resumed, 'model.ckpt-40');
    const dataLoss = handLoss(w);
    expect(results.loss).toBeCloseTo(dataLoss, 4);
    b2.dispose();
  });

  it('a training step leaks nothing', async () => {
    const est = estimator(new MemoryStorage('leaks'));
    await expectNoLeaks(() => est.train(inputFn, { steps: 2 }), { warmup: true });
    est.dispose();
  });
});

/** Mean smoothed cross-entropy over the whole set, from the checkpointed weights, in plain JS. */
function handLoss(w: Map<string, ArrayLike<number>>): number {
  const [hk, hb, lk, lb] = ['hidden/kernel', 'hidden/bias', 'logits/kernel', 'logits/bias'].map((n) => w.get(n)!);
  let total = 0;
  for (let i = 0; i < N; i++) {
    const x = Array.from(xs.subarray(i * 4, i * 4 + 4));
    const h = Array.from({ length: 8 }, (_, j) =>
      Math.max(
        0,
        x.reduce((a, xv, k) => a + xv * hk![k * 8 + j]!, hb![j]!),
      ),
    );
    const z = Array.from({ length: 3 }, (_, c) => h.reduce((a, hv, j) => a + hv * lk![j * 3 + c]!, lb![c]!));
    const m = Math.max(...z);
    const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
    const target = [0, 1, 2].map((c) => (c === ys[i] ? 0.9 : 0) + 0.1 / 3);
    total += target.reduce((a, t, c) => a + t * (lse - z[c]!), 0);
  }
  return total / N;
}
