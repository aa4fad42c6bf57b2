import type { Hook } from '@estimatorjs/hooks';
import { describeBackends, expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, loadVariable } from '../checkpoint/checkpoint-io.js';
import { MemoryStorage } from '../checkpoint/storage.js';
import { Estimator, type ModelFn } from '../estimator.js';
import {
  GradientDescentOptimizer,
  getVariable,
  layers,
  losses,
  RunConfig,
  regularizers,
  variableScope,
} from '../index.js';

beforeAll(() => setupTestBackend('cpu'));

const X = [
  [1, 2],
  [-1, 0.5],
];
const Y = [1, -2];

function inputFn() {
  return async function* () {
    for (;;) yield [tf.tensor2d(X), tf.tensor2d(Y, [2, 1])] as const;
  };
}

function estimator(modelFn: ModelFn, storage = new MemoryStorage('reg')) {
  return new Estimator({
    modelFn,
    config: new RunConfig({ modelDir: 'unused', storage, saveCheckpointsSteps: 1000, logStepCountSteps: 1000 }),
    log: () => {},
  });
}

async function read(storage: MemoryStorage, name: string): Promise<number[]> {
  const t = await loadVariable(storage, (await latestCheckpoint(storage))!, name);
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

/** Records the `loss` the Estimator reports each step. */
function lossRecorder(): { hook: Hook; seen: number[] } {
  const seen: number[] = [];
  const hook: Hook = {
    beforeRun: () => ({ fetch: { loss: 'loss' } }),
    afterRun: (_ctx, values) => {
      seen.push(values.loss as number);
    },
  };
  return { hook, seen };
}

const LR = 0.1;
const [L2_KERNEL, L1_BIAS, L2_ACTIVITY] = [0.3, 0.05, 0.02];

const modelFn: ModelFn = (features, labels) => {
  const out = layers.dense(features as tf.Tensor, 1, {
    name: 'dense',
    kernelInitializer: () => tf.tensor2d([[0.5], [-0.5]]),
    biasInitializer: () => tf.tensor1d([0.1]),
    kernelRegularizer: regularizers.l2Regularizer(L2_KERNEL),
    biasRegularizer: regularizers.l1Regularizer(L1_BIAS),
    activityRegularizer: regularizers.l2(L2_ACTIVITY),
  });
  const loss = losses.meanSquaredError({ labels: labels as tf.Tensor, predictions: out });
  expect(losses.getRegularizationLosses()).toHaveLength(3);
  const total = losses.getTotalLoss();
  return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: LR }).minimize(total) };
};

/**
 * Plain-JS reference: data loss = mean((x·k + b - y)²); regularization = 0.3 * sum(k²) / 2 (TF's l2_regularizer has
 * the half) + 0.05 * |b| + 0.02 * sum(out²) / batch (Keras l2 on the activity, batch-agnostic as TF 1.15).
 */
function reference(steps: number) {
  let k = [0.5, -0.5];
  let b = 0.1;
  const dataLosses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const out = X.map((x) => x[0]! * k[0]! + x[1]! * k[1]! + b);
    const n = X.length;
    dataLosses.push(out.reduce((a, o, i) => a + (o - Y[i]!) ** 2, 0) / n);
    // d total / d out_i = 2 (out_i - y_i) / n + 2 * 0.02 * out_i / n
    const dOut = out.map((o, i) => (2 * (o - Y[i]!)) / n + (2 * L2_ACTIVITY * o) / n);
    const dk = [0, 1].map((j) => X.reduce((a, x, i) => a + x[j]! * dOut[i]!, 0) + L2_KERNEL * k[j]!);
    const db = dOut.reduce((a, d) => a + d, 0) + L1_BIAS * Math.sign(b);
    k = k.map((x, j) => x - LR * dk[j]!);
    b -= LR * db;
  }
  return { k, b, dataLosses };
}

describeBackends('regularization in training', { describe, beforeAll }, () => {
  it('trains on loss + regularization while the spec’s loss (the data loss) is what the Estimator reports', async () => {
    const storage = new MemoryStorage('reg');
    const { hook, seen } = lossRecorder();
    await estimator(modelFn, storage).train(inputFn(), { steps: 3, hooks: [hook] });
    const ref = reference(3);
    const k = await read(storage, 'dense/kernel');
    for (const [j, x] of k.entries()) expect(x).toBeCloseTo(ref.k[j]!, 5);
    expect((await read(storage, 'dense/bias'))[0]).toBeCloseTo(ref.b, 5);
    expect(seen).toHaveLength(3);
    for (const [i, l] of seen.entries()) expect(l).toBeCloseTo(ref.dataLosses[i]!, 5);
  });
});

describe('regularization', () => {
  beforeAll(() => setupTestBackend('cpu'));

  it('TF contrib formulas vs Keras formulas, and scale 0 disables a regularizer', () => {
    const w = tf.tensor1d([1, -2, 3]);
    const value = (r: (x: tf.Tensor) => tf.Scalar | null) => {
      const t = r(w);
      const v = t ? t.dataSync()[0] : null;
      t?.dispose();
      return v;
    };
    expect(value(regularizers.l2Regularizer(0.5))).toBeCloseTo((0.5 * (1 + 4 + 9)) / 2, 6);
    expect(value(regularizers.l1Regularizer(0.5))).toBeCloseTo(0.5 * 6, 6);
    expect(value(regularizers.l1L2Regularizer(0.5, 0.25))).toBeCloseTo(0.5 * 6 + (0.25 * 14) / 2, 6);
    expect(value(regularizers.l2(0.5))).toBeCloseTo(0.5 * 14, 6);
    expect(value(regularizers.l1())).toBeCloseTo(0.01 * 6, 6);
    expect(value(regularizers.l1L2({ l1: 0.1, l2: 0.2 }))).toBeCloseTo(0.1 * 6 + 0.2 * 14, 6);
    expect(value(regularizers.l2Regularizer(0))).toBeNull();
    expect(() => regularizers.l2Regularizer(-1)).toThrow(
      /l2Regularizer\(\): scale must be a finite number >= 0\. Received -1/,
    );
    w.dispose();
  });

  it('getVariable({ regularizer }) counts a reused variable once per call; getTotalLoss sums what was collected', async () => {
    const seen: { count: number; total: number; error: string }[] = [];
    const fn: ModelFn = () => {
      const get = () =>
        variableScope('w', () =>
          getVariable('v', {
            shape: [2],
            initializer: () => tf.tensor1d([1, -3]),
            regularizer: regularizers.l1Regularizer(2),
          }),
        );
      const v = get();
      get();
      let error = '';
      try {
        losses.getTotalLoss({ addRegularizationLosses: false });
      } catch (e) {
        error = (e as Error).message;
      }
      const total = losses.getTotalLoss();
      seen.push({ count: losses.getRegularizationLosses().length, total: total.dataSync()[0]!, error });
      const loss = tf.sum(tf.square(v)) as tf.Scalar;
      return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.01 }).minimize(loss) };
    };
    await estimator(fn).train(inputFn(), { steps: 2 });
    // One build pass, then two steps: each call starts with empty collections.
    expect(seen.map((s) => s.count)).toEqual([1, 1, 1]);
    expect(seen[0]!.total).toBeCloseTo(2 * (1 + 3), 6);
    expect(seen[0]!.error).toMatch(/losses\.getTotalLoss\(\): no losses were collected/);
  });

  it('conv2d and embedding add their penalties (kernel, bias, embeddings, activity / batch)', async () => {
    const seen: number[][] = [];
    const fn: ModelFn = () => {
      const image = tf.ones([2, 3, 3, 1]);
      const conv = layers.conv2d(image, 1, 2, {
        name: 'conv',
        kernelInitializer: () => tf.fill([2, 2, 1, 1], 0.5),
        kernelRegularizer: regularizers.l1Regularizer(0.1),
        biasRegularizer: regularizers.l2(1),
        activityRegularizer: regularizers.l1(0.01),
      });
      const vectors = layers.embedding(tf.tensor1d([0, 2], 'int32'), {
        inputDim: 3,
        outputDim: 2,
        name: 'emb',
        embeddingsInitializer: () => tf.tensor2d([1, -1, 2, -2, 3, -3], [3, 2]),
        embeddingsRegularizer: regularizers.l2Regularizer(0.5),
      });
      seen.push(losses.getRegularizationLosses().map((t) => t.dataSync()[0]!));
      const loss = tf.add(tf.sum(conv), tf.sum(vectors)) as tf.Scalar;
      return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.01 }).minimize(loss) };
    };
    await estimator(fn).train(inputFn(), { steps: 1 });
    // conv output: 2 images of 2x2 positions, each 4 * 0.5 * 1 + bias 0 = 2 → activity 0.01 * 16 / batch 2.
    const expected = [0.1 * 4 * 0.5, 0, (0.01 * 8 * 2) / 2, (0.5 * (1 + 1 + 4 + 4 + 9 + 9)) / 2];
    const first = seen[0]!;
    expect(first).toHaveLength(4);
    for (const [i, x] of first.entries()) expect(x).toBeCloseTo(expected[i]!, 6);
  });

  it('outside a model_fn the getters are one clear error', () => {
    expect(() => losses.getRegularizationLoss()).toThrow(
      /losses\.getRegularizationLoss\(\) must be called inside a model_fn/,
    );
  });

  it('training with regularizers leaks nothing', async () => {
    const est = estimator(modelFn);
    await expectNoLeaks(() => est.train(inputFn(), { steps: 2 }), { warmup: true });
  });
});
