import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Estimator, type ModelFn } from './estimator.js';
import { AdamOptimizer, layers, losses, MemoryStorage, ModeKeys, RunConfig } from './index.js';
import { valueReadsAreCheap } from './internal/value-reads.js';

// Out-of-range labels are checked two ways: read on the spot where reads are copies (cpu, wasm, tfjs-node), or
// counted by one reduction read with the step's loss where a read would stall a GPU. Node only has CPU-memory
// backends, so this file makes reads "expensive" to run the deferred way; both must report the same error.
const reads = vi.hoisted(() => ({ cheap: true }));
vi.mock('./internal/value-reads.js', () => ({ valueReadsAreCheap: () => reads.cheap }));

beforeAll(() => setupTestBackend('cpu'));

const modelFn: ModelFn = (features, labels, mode) => {
  const logits = layers.dense(features as tf.Tensor, 3, { name: 'logits' });
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
  if (mode === ModeKeys.EVAL) return { mode, loss };
  return { mode: 'train', loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
};

/** `good` batches of 8 with labels in range, then one whose label 5 is 3 (out of range for 3 classes). */
const input = (good: number) =>
  async function* () {
    for (let b = 0; b <= good; b++) {
      const labels = Array.from({ length: 8 }, (_, i) => (b === good && i === 5 ? 3 : i % 3));
      yield [tf.fill([8, 4], b / 10), tf.tensor1d(labels, 'int32')] as const;
    }
  };

const newEstimator = () =>
  new Estimator({ modelFn, config: new RunConfig({ storage: new MemoryStorage('labels') }), log: () => {} });

describe.each([
  ['read on the spot (CPU-memory backends)', true],
  ['deferred to the step read (GPU backends)', false],
])('labels out of range, %s', (_, cheap) => {
  it('names the label, its index and the global step, in train and in evaluate, and leaks nothing', async () => {
    reads.cheap = cheap;
    expect(valueReadsAreCheap()).toBe(cheap);
    const est = newEstimator();
    const message = (step: number) =>
      `losses.sparseSoftmaxCrossEntropy(): labels must be integers in [0, 3) for logits with 3 classes. Received label 3 at index 5 of the batch (global step ${step}).`;
    // the first batch of a call is always checked on the spot
    await expect(est.train(input(0), { steps: 5 })).rejects.toThrow(message(1));
    await est.train(input(3), { steps: 3 });
    const before = tf.memory().numTensors;
    // a later batch: the 7th step of this model
    await expect(est.train(input(3), { steps: 10 })).rejects.toThrow(message(7));
    // evaluate() runs the latest checkpoint: the one the successful train() call wrote at step 3
    await expect(est.evaluate(input(2))).rejects.toThrow(message(3));
    expect(tf.memory().numTensors).toBe(before);
    // failures leave nothing behind, whichever way they are found (and a reload from the checkpoint frees the
    // optimizer slots it replaces)
    for (let k = 0; k < 3; k++) {
      await expect(est.train(input(3), { steps: 10 })).rejects.toThrow('Received label 3');
      await expect(est.train(input(0), { steps: 10 })).rejects.toThrow('Received label 3');
      await expect(est.evaluate(input(1))).rejects.toThrow('Received label 3');
      expect(tf.memory().numTensors).toBe(before);
    }
    await expectNoLeaks(() => est.train(input(4), { steps: 4 }));
    est.dispose();
  });
});
