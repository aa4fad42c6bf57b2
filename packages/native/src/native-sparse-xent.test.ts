import { describeWithTool } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, oneDnnAddon, seeded, useNative } from './native-kernels.test-util.js';

// SparseSoftmaxCrossEntropyWithLogits (the addon's own loop, not oneDNN) against tfjs' ops on tfjs-backend-cpu:
// loss = −logSoftmax(z)[label], backprop = softmax(z) − oneHot(label).
const batch = 37;
const classes = 10;
const logits = seeded(batch * classes, 21).map((v, i) => (i === 5 ? 90 : i === 6 ? -90 : 8 * v));
const ids = Array.from({ length: batch }, (_, i) => (i * 7) % classes);

async function run(labels: number[]): Promise<{ loss: Float32Array; backprop: Float32Array }> {
  const z = tf.tensor2d(logits, [batch, classes]);
  const y = tf.tensor1d(labels, 'int32');
  const [loss, backprop] = tf.engine().runKernel('SparseSoftmaxCrossEntropyWithLogits', {
    features: z,
    labels: y,
  }) as tf.Tensor[];
  const out = { loss: (await loss!.data()) as Float32Array, backprop: (await backprop!.data()) as Float32Array };
  tf.dispose([z, y, loss!, backprop!]);
  return out;
}

describeWithTool({ describe, it }, oneDnnAddon, 'native SparseSoftmaxCrossEntropyWithLogits', () => {
  it('matches −logSoftmax[label] and softmax − oneHot from tfjs-backend-cpu', async () => {
    await tf.setBackend('cpu');
    const z = tf.tensor2d(logits, [batch, classes]);
    const oneHot = tf.cast(tf.oneHot(tf.tensor1d(ids, 'int32'), classes), 'float32');
    const ls = tf.logSoftmax(z);
    const wantLoss = (await tf.neg(tf.sum(tf.mul(oneHot, ls), -1)).data()) as Float32Array;
    const wantBackprop = (await tf.sub(tf.exp(ls), oneHot).data()) as Float32Array;
    tf.disposeVariables();
    await useNative(1);
    const before = tf.memory().numTensors;
    const got = await run(ids);
    expect(tf.memory().numTensors).toBe(before);
    expectClose(got.loss, wantLoss, 1e-6, 1e-6);
    // softmax − 1 on the label cancels: both sides round p near 1 (float32 ulp 1.2e-7) before subtracting.
    expectClose(got.backprop, wantBackprop, 5e-7, 1e-6);
    // Each backprop row sums to 0 (softmax sums to 1).
    for (let b = 0; b < batch; b++) {
      const row = got.backprop.subarray(b * classes, (b + 1) * classes);
      expect(Math.abs(row.reduce((s, x) => s + x, 0))).toBeLessThan(1e-6);
    }
  });

  it('gives NaN in the row of a class id outside [0, classes), and touches no memory beyond its tensors', async () => {
    await useNative(1);
    const got = await run(ids.map((id, i) => (i === 3 ? classes : i === 4 ? -1 : id)));
    for (const b of [3, 4]) {
      expect(got.loss[b]).toBeNaN();
      expect(Array.from(got.backprop.subarray(b * classes, (b + 1) * classes)).every(Number.isNaN)).toBe(true);
    }
    expect(Number.isFinite(got.loss[0])).toBe(true);
  });

  it('refuses float labels with one clear error', async () => {
    await useNative(1);
    const z = tf.zeros([2, 3]);
    const y = tf.zeros([2]);
    expect(() => tf.engine().runKernel('SparseSoftmaxCrossEntropyWithLogits', { features: z, labels: y })).toThrow(
      /int32 labels \[batch\]. Received features float32 \[2,3\] and labels float32 \[2\]/,
    );
    tf.dispose([z, y]);
  });
});
