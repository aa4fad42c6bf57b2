import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, listVariables, loadVariable } from '../checkpoint/checkpoint-io.js';
import { MemoryStorage } from '../checkpoint/storage.js';
import { Estimator, type ModelFn } from '../estimator.js';
import { initializers } from '../initializers.js';
import { metrics } from '../metrics/index.js';
import { AdamOptimizer } from '../optimizers/adam-optimizer.js';
import { RunConfig } from '../run-config.js';
import { getVariable } from '../variables.js';
import { batchNormalization } from './batch-normalization.js';

beforeAll(() => setupTestBackend('cpu'));

const B = 8;
const C = 3;
/** Six fixed batches with per-channel offsets and scales that differ from batch to batch. */
const batches = Array.from({ length: 6 }, (_, t) =>
  Float32Array.from({ length: B * C }, (_, i) => {
    const c = i % C;
    const r = Math.sin(i * 12.9898 + t * 78.233) * 43758.5453;
    return (c + 1) * 2 * (r - Math.floor(r)) + c * 3 - t * 0.5;
  }),
);

const input = (epochs = 10) =>
  async function* () {
    for (let e = 0; e < epochs; e++) for (const b of batches) yield [tf.tensor2d(b, [B, C]), tf.zeros([B, C])] as const;
  };

const MOMENTUM = 0.8;
const EPS = 0.001;

const modelFn: ModelFn<{ affine: boolean; evalTraining?: boolean }> = (features, labels, mode, params) => {
  const x = features as tf.Tensor;
  const y = batchNormalization(x, {
    momentum: MOMENTUM,
    epsilon: EPS,
    name: 'bn',
    center: params.affine,
    scale: params.affine,
    ...(mode === 'eval' && params.evalTraining ? { training: true } : {}),
  });
  if (mode === 'infer') return { mode, predictions: y };
  const w = getVariable('w', { shape: [C], initializer: initializers.zeros() });
  const loss = tf.mean(tf.square(tf.sub(tf.add(y, w), tf.add(labels as tf.Tensor, 1)))) as tf.Scalar;
  if (mode === 'eval') return { mode, loss, evalMetricOps: { mean_out: metrics.mean(y) } };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.05 }).minimize(loss) };
};

function newEstimator(storage: MemoryStorage, params: { affine: boolean; evalTraining?: boolean }) {
  return new Estimator({
    modelFn,
    params,
    config: new RunConfig({ modelDir: 'bn', storage, randomSeed: 3 }),
    log: () => {},
  });
}

/** The moving averages after training on batches[0..n-1] once each, computed directly. */
function expectedMoving(n: number): { mean: number[]; variance: number[] } {
  const mean = [0, 0, 0];
  const variance = [1, 1, 1];
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < C; c++) {
      const col = Array.from({ length: B }, (_, i) => batches[t]![i * C + c]!);
      const m = col.reduce((a, b) => a + b, 0) / B;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / B;
      mean[c] = MOMENTUM * mean[c]! + (1 - MOMENTUM) * m;
      variance[c] = MOMENTUM * variance[c]! + (1 - MOMENTUM) * v;
    }
  }
  return { mean, variance };
}

async function read(storage: MemoryStorage, name: string): Promise<number[]> {
  const t = await loadVariable(storage, (await latestCheckpoint(storage))!, name);
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

function expectClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
}

async function predictAll(est: Estimator<{ affine: boolean }>): Promise<Float32Array[]> {
  const rows: Float32Array[] = [];
  for await (const p of est.predict(input(1))) rows.push(p as Float32Array);
  return rows;
}

describe('batchNormalization()', () => {
  it('updates the moving averages once per training step (not while building), as non-trainable variables', async () => {
    const storage = new MemoryStorage('bn');
    const est = newEstimator(storage, { affine: false });
    await est.train(input(), { steps: 5 });
    const want = expectedMoving(5);
    const mean = await read(storage, 'bn/moving_mean');
    const variance = await read(storage, 'bn/moving_variance');
    expectClose(mean, want.mean);
    expectClose(variance, want.variance);
    const names = (await listVariables(storage, (await latestCheckpoint(storage))!)).map(([n]) => n);
    expect(names).toContain('bn/moving_mean');
    expect(names.filter((n) => n.startsWith('optimizer/') && n.includes('moving'))).toEqual([]);
    expect(names.some((n) => n.startsWith('optimizer/w'))).toBe(true);
    est.dispose();
  });

  it('normalizes with the moving averages in PREDICT, and with the batch in TRAIN-mode evaluation, without updating', async () => {
    const storage = new MemoryStorage('bn');
    const est = newEstimator(storage, { affine: false });
    await est.train(input(), { steps: 6 });
    const want = expectedMoving(6);
    const direct = (r: number, c: number) =>
      (batches[3]![r * C + c]! - want.mean[c]!) / Math.sqrt(want.variance[c]! + EPS);
    const check = (rows: Float32Array[]) => {
      expect(rows).toHaveLength(6 * B);
      for (let r = 0; r < B; r++)
        expectClose(
          Array.from(rows[3 * B + r]!),
          [0, 1, 2].map((c) => direct(r, c)),
        );
    };
    check(await predictAll(est));
    // EVAL with training: true normalizes each batch by its own statistics: every output averages to 0.
    const training = newEstimator(storage, { affine: false, evalTraining: true });
    const r = await training.evaluate(input(1));
    expect(Math.abs(r.mean_out!)).toBeLessThan(1e-5);
    // …and evaluation never moves the averages.
    await training.evaluate(input(1));
    check(await predictAll(training));
    est.dispose();
    training.dispose();
  });

  it('learns gamma and beta', async () => {
    const storage = new MemoryStorage('bn');
    const est = newEstimator(storage, { affine: true });
    await est.train(input(), { steps: 20 });
    const beta = await read(storage, 'bn/beta');
    expect(beta.every((b) => b > 0.2)).toBe(true);
    est.dispose();
  });

  it('train(), evaluate() and predict() leak nothing', async () => {
    const est = newEstimator(new MemoryStorage('bn'), { affine: true });
    await expectNoLeaks(() => est.train(input(), { steps: 2 }), { warmup: true });
    await expectNoLeaks(() => est.evaluate(input(1)));
    await expectNoLeaks(async () => {
      for await (const _ of est.predict(input(1))) void _;
    });
    est.dispose();
  });

  it('explains a bad axis', async () => {
    const bad: ModelFn = (features) => {
      batchNormalization(features as tf.Tensor, { axis: 2 });
      return { mode: 'infer', predictions: features as tf.Tensor };
    };
    const est = new Estimator({
      modelFn: bad,
      config: new RunConfig({ storage: new MemoryStorage('x') }),
      log: () => {},
    });
    await expect(est.train(input(1), { steps: 1 })).rejects.toThrow(
      /batchNormalization\(\): axis must be.*axis 2.*\[8,3\]/,
    );
  });
});
