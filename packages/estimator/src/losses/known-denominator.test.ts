import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { losses, Reduction } from './index.js';

beforeAll(() => setupTestBackend('cpu'));

// Number weights (the default 1 among them) under SUM_BY_NONZERO_WEIGHTS or SUM_OVER_BATCH_SIZE give a denominator
// known before any kernel runs; the loss then divides by it instead of TF's compare-and-select safe division. The
// reference is the general path itself, reached by passing the same weight as a scalar tensor (tfjs cannot know a
// tensor's value), and a hand computation.
const logits = [
  [2, -1, 0.5],
  [0.1, 0.2, 3],
  [-2, 4, 1],
  [0, 0, 0],
];
const ids = [2, 2, 1, 0];

/** -log softmax(row)[label], per example, in float64. */
const perExample = logits.map((row, i) => {
  const max = Math.max(...row);
  const logSum = Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0)) + max;
  return logSum - row[ids[i]!]!;
});

function lossAndGrad(weights: number | tf.Tensor, reduction?: string): { loss: Float32Array; grad: Float32Array } {
  const z = tf.tensor2d(logits);
  const labels = tf.tensor1d(ids, 'int32');
  const f = (zz: tf.Tensor) =>
    losses.sparseSoftmaxCrossEntropy({
      labels,
      logits: zz,
      weights,
      ...(reduction ? { reduction: reduction as typeof Reduction.SUM_OVER_BATCH_SIZE } : {}),
    });
  const { value, grad } = tf.valueAndGrad(f)(z);
  const out = { loss: value.dataSync() as Float32Array, grad: grad.dataSync() as Float32Array };
  tf.dispose([z, labels, value, grad]);
  return out;
}

describe('losses: a denominator known from number weights', () => {
  for (const reduction of [undefined, Reduction.SUM_BY_NONZERO_WEIGHTS, Reduction.SUM_OVER_BATCH_SIZE]) {
    for (const w of [1, 2.5]) {
      it(`weights ${w}, reduction ${reduction ?? 'default'}: the general path's value and gradient bit for bit, and the hand value`, () => {
        const fast = lossAndGrad(w, reduction);
        const weightTensor = tf.scalar(w);
        const general = lossAndGrad(weightTensor, reduction);
        weightTensor.dispose();
        expect(fast.loss).toEqual(general.loss);
        expect(fast.grad).toEqual(general.grad);
        const mean = (w * perExample.reduce((a, b) => a + b, 0)) / ids.length;
        expect(fast.loss[0]).toBeCloseTo(mean, 5);
      });
    }
  }

  it('the default weights run no compare, select or multiply-by-weight kernels', async () => {
    const z = tf.tensor2d(logits);
    const labels = tf.tensor1d(ids, 'int32');
    const profile = await tf.profile(() => {
      const { value, grad } = tf.valueAndGrad((zz: tf.Tensor) =>
        losses.sparseSoftmaxCrossEntropy({ labels, logits: zz }),
      )(z);
      tf.dispose([value, grad]);
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain('RealDiv');
    expect(names.filter((n) => n === 'Select' || n === 'NotEqual')).toEqual([]);
    // No [batch] losses times a scalar weight, forward or backward.
    const byWeight = profile.kernels.filter(
      (k) =>
        k.name === 'Multiply' && k.inputShapes.some((s) => s.length === 0) && k.inputShapes.some((s) => s.length === 1),
    );
    expect(byWeight).toEqual([]);
    tf.dispose([z, labels]);
  });

  it('an empty batch still reduces to 0 (the safe division), and nothing leaks', async () => {
    await expectNoLeaks(async () => {
      const z = tf.zeros([0, 3]);
      const labels = tf.zeros([0], 'int32');
      const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits: z });
      expect(await loss.data()).toEqual(new Float32Array([0]));
      const zero = losses.sparseSoftmaxCrossEntropy({ labels, logits: z, weights: 0 });
      expect(await zero.data()).toEqual(new Float32Array([0]));
      tf.dispose([z, labels, loss, zero]);
    });
  });
});
