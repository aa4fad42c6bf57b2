import { Dataset } from '@estimatorjs/data';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { listVariables, loadVariable } from './checkpoint/checkpoint-io.js';
import { MemoryStorage } from './checkpoint/storage.js';
import { Estimator, type ModelFn } from './estimator.js';
import { layers, losses, MomentumOptimizer, metrics, RunConfig, regularizers } from './index.js';

beforeAll(() => setupTestBackend('cpu'));

// The port of a TF 1.x script (issue 18's acceptance):
//   hidden = tf.layers.dense(x, 16, tf.nn.relu, kernel_regularizer=tf.contrib.layers.l2_regularizer(1e-3))
//   hidden = tf.layers.dropout(hidden, 0.2, training=mode == TRAIN)
//   logits = tf.layers.dense(hidden, 4, kernel_regularizer=...)
//   loss = tf.losses.softmax_cross_entropy(tf.one_hot(labels, 4), logits)
//   train_op = tf.train.MomentumOptimizer(0.1, 0.9).minimize(tf.losses.get_total_loss(), global_step)
//   eval_metric_ops = {'precision_at_2': tf.metrics.precision_at_k(labels, logits, 2),
//                      'recall_at_2': tf.metrics.recall_at_k(labels, logits, 2), 'accuracy': ...}
//   RunConfig(tf_random_seed=7)  — and no per-op seed anywhere (initializers, dropout).
// The input pipeline has no shuffle: an unseeded shuffle() draws its seed from Math.random today, so its order is
// not reproducible across processes until RunConfig.randomSeed seeds it (issue 18 item 7).
const N = 120;
const CLASSES = 4;
const xs = new Float32Array(N * 4).map((_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
const ys = Int32Array.from({ length: N }, (_, i) => {
  const [a, b, c, d] = xs.subarray(i * 4, i * 4 + 4);
  return (a! > b! ? 1 : 0) + (c! > d! ? 2 : 0);
});

const modelFn: ModelFn = (features, labels, mode) => {
  const l2 = regularizers.l2Regularizer(1e-3);
  let hidden = layers.dense(features as tf.Tensor, 16, { activation: 'relu', name: 'hidden', kernelRegularizer: l2 });
  hidden = layers.dropout(hidden, { rate: 0.2 });
  const logits = layers.dense(hidden, CLASSES, { name: 'logits', kernelRegularizer: l2 });
  if (mode === 'infer') return { mode, predictions: { logits } };
  const ids = tf.cast(labels as tf.Tensor, 'int32') as tf.Tensor1D;
  const loss = losses.softmaxCrossEntropy({ onehotLabels: tf.oneHot(ids, CLASSES), logits });
  if (mode === 'eval') {
    return {
      mode,
      loss,
      evalMetricOps: {
        precision_at_2: metrics.precisionAtK(ids, logits, 2),
        recall_at_2: metrics.recallAtK(ids, logits, 2),
        precision_at_1_class_3: metrics.precisionAtK(ids, logits, 1, { classId: 3 }),
        accuracy: metrics.accuracy(ids, tf.argMax(logits, 1)),
      },
    };
  }
  const trainOp = new MomentumOptimizer({ learningRate: 0.1, momentum: 0.9 }).minimize(losses.getTotalLoss());
  return { mode, loss, trainOp };
};

let columns: [tf.Tensor, tf.Tensor] | null = null;
const data = () => {
  columns ??= [tf.tensor2d(xs, [N, 4]), tf.tensor1d(ys, 'int32')];
  return Dataset.fromTensorSlices(columns);
};
const trainInput = () => data().repeat().batch(16);
const evalInput = () => data().batch(50);

const estimator = (storage: MemoryStorage) =>
  new Estimator({
    modelFn,
    config: new RunConfig({
      modelDir: 'port',
      storage,
      randomSeed: 7,
      saveCheckpointsSteps: 1000,
      logStepCountSteps: 1000,
    }),
    log: () => {},
  });

async function weights(storage: MemoryStorage, prefix: string) {
  const out = new Map<string, ArrayLike<number>>();
  for (const [name] of await listVariables(storage, prefix)) {
    const t = await loadVariable(storage, prefix, name);
    out.set(name, (await t.data()) as Float32Array);
    t.dispose();
  }
  return out;
}

/** Logits of every example from the checkpointed weights, in plain JS (dropout is off outside training). */
function handLogits(w: Map<string, ArrayLike<number>>): number[][] {
  const [hk, hb, lk, lb] = ['hidden/kernel', 'hidden/bias', 'logits/kernel', 'logits/bias'].map((n) => w.get(n)!);
  return Array.from({ length: N }, (_, i) => {
    const x = xs.subarray(i * 4, i * 4 + 4);
    const h = Array.from({ length: 16 }, (_, j) =>
      Math.max(
        0,
        x.reduce((a, v, k) => a + v * hk![k * 16 + j]!, hb![j]!),
      ),
    );
    return Array.from({ length: CLASSES }, (_, c) => h.reduce((a, v, j) => a + v * lk![j * CLASSES + c]!, lb![c]!));
  });
}

/** Top-k class ids, ties to the lower id as tf.nn.top_k. */
const topK = (row: number[], k: number) =>
  row
    .map((v, c) => [v, c] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, k)
    .map(([, c]) => c);

describe('a TF 1.x script port reporting precisionAtK: softmaxCrossEntropy + L2 + Momentum + dropout', () => {
  it('trains, resumes bit-exactly in a new Estimator without per-op seeds, and evaluates precision@k', async () => {
    const straight = new MemoryStorage('straight');
    const a = estimator(straight);
    await a.train(trainInput, { maxSteps: 60 });
    a.dispose();

    // "Kill" after 25 steps: a new Estimator on the same model dir picks up the checkpoint and finishes.
    const resumed = new MemoryStorage('resumed');
    const b1 = estimator(resumed);
    await b1.train(trainInput, { maxSteps: 25 });
    b1.dispose();
    const b2 = estimator(resumed);
    let stepsAfterRestart = 0;
    const countSteps = {
      afterRun: () => {
        stepsAfterRestart += 1;
      },
    };
    await b2.train(trainInput, { maxSteps: 60, hooks: [countSteps] });
    expect(stepsAfterRestart).toBe(35);

    const wa = await weights(straight, 'model.ckpt-60');
    const wb = await weights(resumed, 'model.ckpt-60');
    expect([...wb.keys()].sort()).toEqual([...wa.keys()].sort());
    expect(wa.has('optimizer/logits/kernel/Momentum')).toBe(true);
    for (const [name, values] of wa) expect(wb.get(name), name).toEqual(values);
    // Training moved the weights away from their seeded initial values.
    const first = new MemoryStorage('first-step');
    const initial = estimator(first);
    await initial.train(trainInput, { maxSteps: 1 });
    initial.dispose();
    const w1 = await weights(first, 'model.ckpt-1');
    expect(w1.get('hidden/kernel')).not.toEqual(wa.get('hidden/kernel'));

    const results = await b2.evaluate(evalInput);
    b2.dispose();
    expect(results.globalStep).toBe(60);

    // The reference: precision@2, recall@2 and class-3 precision@1 recomputed by hand from the checkpoint.
    const logits = handLogits(wb);
    let hits2 = 0;
    let top1Is3 = 0;
    let top1Is3Right = 0;
    let correct = 0;
    logits.forEach((row, i) => {
      const top2 = topK(row, 2);
      if (top2.includes(ys[i]!)) hits2 += 1;
      if (top2[0] === ys[i]) correct += 1;
      if (top2[0] === 3) {
        top1Is3 += 1;
        if (ys[i] === 3) top1Is3Right += 1;
      }
    });
    expect(results.precision_at_2).toBeCloseTo(hits2 / (2 * N), 6);
    expect(results.recall_at_2).toBeCloseTo(hits2 / N, 6);
    expect(top1Is3).toBeGreaterThan(0);
    expect(results.precision_at_1_class_3).toBeCloseTo(top1Is3Right / top1Is3, 6);
    expect(results.accuracy).toBeCloseTo(correct / N, 6);
    expect(results.accuracy).toBeGreaterThan(0.6);
    expect(results.precision_at_2).toBeGreaterThan(0.4);
  });

  it('evaluation with the at-k metrics leaks nothing', async () => {
    const est = estimator(new MemoryStorage('leaks'));
    await est.train(trainInput, { steps: 2 });
    await expectNoLeaks(() => est.evaluate(evalInput), { warmup: true });
    est.dispose();
  });
});
