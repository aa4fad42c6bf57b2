/**
 * `TrainDistribute.beginAllReduce` through the real Estimator: the gradients reach the strategy while the backward
 * pass runs (the last layer's first), every value exactly once, and training ends with the same bits as the
 * whole-vector `allReduceMean` path. Both strategies stand for a second replica whose gradients are 3× ours, so the
 * mean is (g + 3g) / 2 of every value, computed alike on both paths.
 */
import { expectNoLeaks, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Estimator, type ModelFn } from './estimator.js';
import { GradientDescentOptimizer, getVariable, initializers, layers, losses, RunConfig } from './index.js';
import type { DistributeStartContext, GradientExchange, TrainDistribute } from './train-distribute.js';

beforeAll(() => setupTestBackend('cpu'));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/**
 * Two dense layers, a scalar `tied` read twice (tfjs sums its two gradients after the pass, so it is handed over at
 * the end) and `unused`, which the loss does not read (no gradient: zeros in the vector, and no update).
 * Layout (creation order): h/kernel 0..31, h/bias 32..39, out/kernel 40..47, out/bias 48, tied 49, unused 50..52.
 */
const modelFn: ModelFn = (features, labels, mode) => {
  const hidden = layers.dense(features as tf.Tensor, 8, { activation: 'relu', name: 'h' });
  const out = layers.dense(hidden, 1, { name: 'out' });
  const tied = getVariable('tied', { shape: [1], initializer: initializers.ones() });
  getVariable('unused', { shape: [3], initializer: initializers.ones() });
  const pred = tf.mul(tf.mul(out, tied), tied);
  const loss = losses.meanSquaredError({ labels: labels as tf.Tensor, predictions: pred });
  const trainOp = new GradientDescentOptimizer({ learningRate: 0.05 }).minimize(loss);
  if (mode !== 'train') throw new Error(`only trains; called in ${mode}`);
  return { mode, loss, trainOp };
};

function input() {
  return async function* () {
    for (let i = 0; i < 100; i++) {
      const x = tf.tensor2d(
        Array.from({ length: 16 }, (_, k) => ((k * 7 + i) % 11) / 5 - 1),
        [4, 4],
      );
      yield [x, tf.tensor2d([1, -1, 0.5, 2], [4, 1])] as const;
    }
  };
}

const twiceOurs = (v: number) => (v + 3 * v) / 2;

class WholeVector implements TrainDistribute {
  readonly numReplicas = 2;
  readonly replicaIndex = 0;
  async start(_context: DistributeStartContext): Promise<void> {}
  async allReduceMean(values: Float32Array): Promise<Float32Array> {
    return values.map(twiceOurs);
  }
  async end(): Promise<void> {}
}

class Streamed extends WholeVector {
  /** Per step: the pieces in the order they came, and whether the backward pass was still running then. */
  readonly steps: { offset: number; values: number[] }[][] = [];
  numValues = 0;
  override async start(context: DistributeStartContext): Promise<void> {
    this.numValues = context.numValues;
  }
  beginAllReduce(numValues: number): GradientExchange {
    const buffer = new Float32Array(numValues);
    const pieces: { offset: number; values: number[] }[] = [];
    this.steps.push(pieces);
    return {
      add: (offset, values) => {
        pieces.push({ offset, values: Array.from(values) });
        buffer.set(values, offset);
      },
      mean: async () => buffer.map(twiceOurs),
    };
  }
}

function estimator(trainDistribute: TrainDistribute): Estimator {
  const modelDir = tempModelDir();
  cleanups.push(modelDir.cleanup);
  const cluster = { chief: ['127.0.0.1:2222'], worker: ['127.0.0.1:2223'] };
  const config = new RunConfig({
    modelDir: modelDir.dir,
    randomSeed: 3,
    tfConfig: JSON.stringify({ cluster, task: { type: 'chief', index: 0 } }),
    trainDistribute,
    saveCheckpointsSteps: 1000,
    saveSummarySteps: 1000,
    logStepCountSteps: 1000,
  });
  return new Estimator({ modelFn, config, log: () => {} });
}

const NAMES = ['h/kernel', 'h/bias', 'out/kernel', 'out/bias', 'tied', 'unused'];
const weights = (est: Estimator) =>
  Promise.all(NAMES.map(async (n) => Array.from(await (await est.getVariableValue(n)).data())));

describe('TrainDistribute.beginAllReduce in Estimator.train()', () => {
  it('trains to the same bits as allReduceMean, with each gradient handed over as the backward pass finalised it', async () => {
    const whole = estimator(new WholeVector());
    await whole.train(input(), { maxSteps: 5 });
    const streamed = new Streamed();
    const est = estimator(streamed);
    await est.train(input(), { maxSteps: 5 });
    expect(await weights(est)).toEqual(await weights(whole));
    // `unused` has no gradient: no update on either path.
    expect((await weights(est))[5]).toEqual([1, 1, 1]);

    expect(streamed.numValues).toBe(53);
    expect(streamed.steps).toHaveLength(5);
    for (const pieces of streamed.steps) {
      // Every value exactly once: the pieces tile 0..52.
      const sorted = [...pieces].sort((a, b) => a.offset - b.offset);
      let next = 0;
      for (const p of sorted) {
        expect(p.offset).toBe(next);
        next += p.values.length;
      }
      expect(next).toBe(53);
      // The backward pass walks the layers from the last: `out`'s gradients come before `h`'s, each as its dense
      // kernel finished; `tied` (read twice) and `unused` (no gradient, zeros) come after the pass, in layout order.
      // (out's kernel is also read by the Identity that saves it for its custom gradient: off the path to the loss,
      // so it does not count as a second reader.)
      expect(pieces.map((p) => p.offset)).toEqual([40, 48, 0, 32, 49, 50]);
      expect(pieces[5]!.values).toEqual([0, 0, 0]);
    }
    whole.dispose();
    est.dispose();
  });

  it('leaks no tensor across the streamed all-reduce', async () => {
    const est = estimator(new Streamed());
    await est.train(input(), { maxSteps: 1 });
    await expectNoLeaks(() => est.train(input(), { maxSteps: 4 }));
    est.dispose();
  });

  it('a mean of the wrong length fails the step, naming the model_fn mismatch', async () => {
    class Short extends Streamed {
      override beginAllReduce(numValues: number): GradientExchange {
        const inner = super.beginAllReduce(numValues);
        return { add: inner.add, mean: async () => (await inner.mean()).subarray(1) };
      }
    }
    const est = estimator(new Short());
    await expect(est.train(input(), { maxSteps: 2 })).rejects.toThrow(/returned 52 gradient values for 53/);
    est.dispose();
  });
});
