import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryStorage } from './checkpoint/storage.js';
import { Estimator, type ModelFn } from './estimator.js';
import { initializers } from './initializers.js';
import { type LearningRateSchedule, learningRateSchedules } from './learning-rate-schedules.js';
import { AdamOptimizer } from './optimizers/adam-optimizer.js';
import { GradientDescentOptimizer, type Optimizer } from './optimizers.js';
import { RunConfig } from './run-config.js';
import { getVariable } from './variables.js';

beforeAll(() => setupTestBackend('cpu'));

describe('learningRateSchedules', () => {
  it('exponentialDecay follows TF (continuous and staircase)', () => {
    const smooth = learningRateSchedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    const stairs = learningRateSchedules.exponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 10,
      decayRate: 0.5,
      staircase: true,
    });
    expect(smooth(0)).toBe(0.1);
    expect(smooth(5)).toBeCloseTo(0.1 * 0.5 ** 0.5, 12);
    expect(smooth(20)).toBeCloseTo(0.025, 12);
    expect(stairs(9)).toBe(0.1);
    expect(stairs(10)).toBe(0.05);
    expect(stairs(25)).toBe(0.025);
  });

  it('piecewiseConstant switches after each boundary (values[i] up to and including boundaries[i])', () => {
    const lr = learningRateSchedules.piecewiseConstant({ boundaries: [2, 5], values: [0.1, 0.05, 0.01] });
    expect([0, 1, 2, 3, 5, 6, 100].map(lr)).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.01, 0.01]);
  });

  it('cosineDecay goes from the initial rate to alpha times it, then stays', () => {
    const lr = learningRateSchedules.cosineDecay({ initialLearningRate: 0.2, decaySteps: 100, alpha: 0.1 });
    expect(lr(0)).toBeCloseTo(0.2, 12);
    expect(lr(50)).toBeCloseTo(0.2 * (0.9 * 0.5 + 0.1), 12);
    expect(lr(100)).toBeCloseTo(0.02, 12);
    expect(lr(1000)).toBeCloseTo(0.02, 12);
  });

  it('polynomialDecay is linear by default and ends at endLearningRate', () => {
    const lr = learningRateSchedules.polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0 });
    expect(lr(5)).toBeCloseTo(0.05, 12);
    expect(lr(50)).toBe(0);
  });

  it('explains bad options', () => {
    expect(() => learningRateSchedules.piecewiseConstant({ boundaries: [1, 2], values: [0.1, 0.2] })).toThrow(
      /one more element than boundaries. Received 2 boundaries and 2 values/,
    );
    expect(() => learningRateSchedules.piecewiseConstant({ boundaries: [5, 2], values: [1, 2, 3] })).toThrow(
      /strictly increasing/,
    );
    expect(() =>
      learningRateSchedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.5 }),
    ).toThrow(/exponentialDecay\(\): decaySteps must be a finite number > 0. Received 0/);
    expect(() => learningRateSchedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 5, alpha: 2 })).toThrow(
      /alpha must be in \[0, 1\]/,
    );
  });
});

/** One scalar weight w starting at 1; `loss(w)` picks the objective. */
function estimatorFor(storage: MemoryStorage, makeOptimizer: () => Optimizer, loss: (w: tf.Tensor) => tf.Scalar) {
  const modelFn: ModelFn = (_features, _labels, mode) => {
    const w = getVariable('w', { shape: [], initializer: initializers.constant(1) });
    const l = loss(w);
    if (mode === 'train') return { mode, loss: l, trainOp: makeOptimizer().minimize(l) };
    if (mode === 'eval') return { mode, loss: l };
    return { mode, predictions: w };
  };
  return new Estimator({
    modelFn,
    config: new RunConfig({ modelDir: 'lr', storage, saveCheckpointsSteps: 1000 }),
    log: () => {},
  });
}

const input = () =>
  async function* () {
    for (;;) yield [tf.zeros([1]), tf.zeros([1])] as const;
  };

async function weight(est: Estimator): Promise<number> {
  for await (const p of est.predict(input(), { yieldSingleExamples: false })) return p as number;
  throw new Error('no prediction');
}

describe('training with a schedule', () => {
  it('SGD on 0.5·w² uses the scheduled rate at every step, across a restart', async () => {
    const schedule: LearningRateSchedule = learningRateSchedules.piecewiseConstant({
      boundaries: [2, 5],
      values: [0.1, 0.05, 0.01],
    });
    const storage = new MemoryStorage('lr');
    const sgd = () => new GradientDescentOptimizer({ learningRate: schedule });
    const half = (w: tf.Tensor) => tf.mul(0.5, tf.square(w)) as tf.Scalar;
    // w ← w − lr(t)·w, so after n steps w = Π (1 − lr(t)).
    const expected = (n: number) => Array.from({ length: n }, (_, t) => 1 - schedule(t)).reduce((a, b) => a * b, 1);
    const first = estimatorFor(storage, sgd, half);
    await first.train(input(), { steps: 4 });
    expect(await weight(first)).toBeCloseTo(expected(4), 6);
    first.dispose();
    const resumed = estimatorFor(storage, sgd, half);
    await resumed.train(input(), { maxSteps: 9 });
    expect(resumed.globalStep).toBe(9);
    expect(await weight(resumed)).toBeCloseTo(expected(9), 6);
    resumed.dispose();
  });

  it('Adam on a linear loss moves w by exactly the scheduled rate each step', async () => {
    const schedule = learningRateSchedules.exponentialDecay({
      initialLearningRate: 0.1,
      decaySteps: 2,
      decayRate: 0.5,
    });
    // With a constant gradient of 1, Adam's bias-corrected step is lr · 1 / (1 + ε).
    const est = estimatorFor(
      new MemoryStorage('adam'),
      () => new AdamOptimizer({ learningRate: schedule }),
      (w) => tf.sum(w) as tf.Scalar,
    );
    await est.train(input(), { steps: 6 });
    const moved = Array.from({ length: 6 }, (_, t) => schedule(t)).reduce((a, b) => a + b, 0);
    expect(await weight(est)).toBeCloseTo(1 - moved, 5);
    est.dispose();
  });
});
