import { describeBackends, expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sparseSoftmaxXent } from './sparse-softmax-xent-op.js';

// The reference is what the loss computed before it became one op: tfjs' own ops, differentiated by tfjs' registered
// gradients. The op must give the same bits, value and gradient, on every backend; and the hand computation
// (softmax − one-hot, scaled) in float64 must agree to float precision.
const batch = 37; // not a power of 2: dividing by it rounds
const classes = 7;

function data(seed: number) {
  const logits = tf.tidy(() =>
    tf.concat([
      tf.randomNormal([batch - 2, classes], 0, 3, 'float32', seed),
      tf.tensor2d([
        [80, -80, 0, 1, 2, 3, 4], // large spread: exp(x − max) underflows
        [1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3], // all equal
      ]),
    ]),
  ) as tf.Tensor2D;
  const ids = tf.tidy(() => tf.cast(tf.floor(tf.randomUniform([batch], 0, classes, 'float32', seed + 1)), 'int32'));
  const oneHot = tf.tidy(() => tf.cast(tf.oneHot(ids as tf.Tensor1D, classes), 'float32')) as tf.Tensor2D;
  return { logits, ids, oneHot };
}

const composedPerExample = (oneHot: tf.Tensor, z: tf.Tensor) => tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(z)), -1));

type Mode = 'per-example' | 'sum' | 'mean';
const MODES: readonly Mode[] = ['per-example', 'sum', 'mean'];

function valueAndGrad(mode: Mode, oneHot: tf.Tensor2D, fused: boolean, dy?: tf.Tensor) {
  const f = (z: tf.Tensor) => {
    if (fused) {
      if (mode === 'per-example') return sparseSoftmaxXent(oneHot, z as tf.Tensor2D);
      return sparseSoftmaxXent(oneHot, z as tf.Tensor2D, { divisor: mode === 'mean' ? batch : null });
    }
    const per = composedPerExample(oneHot, z);
    if (mode === 'per-example') return per;
    const sum = tf.sum(per);
    return mode === 'mean' ? tf.div(sum, tf.scalar(batch)) : sum;
  };
  return (z: tf.Tensor) => tf.valueAndGrad(f)(z, dy);
}

describeBackends('sparseSoftmaxXent (the loss as one op)', { describe, beforeAll }, () => {
  for (const mode of MODES) {
    it(`${mode}: value and gradient bit-identical to tfjs' composed ops`, async () => {
      const { logits, ids, oneHot } = data(3);
      // A per-example upstream gradient that is not all ones (as weights would make it).
      const dy = mode === 'per-example' ? tf.randomUniform([batch], 0.1, 2, 'float32', 9) : tf.scalar(0.75);
      const a = valueAndGrad(mode, oneHot, true, dy)(logits);
      const b = valueAndGrad(mode, oneHot, false, dy)(logits);
      expect(a.value.shape).toEqual(b.value.shape);
      expect(await a.value.data()).toEqual(await b.value.data());
      expect(await a.grad.data()).toEqual(await b.grad.data());
      tf.dispose([logits, ids, oneHot, dy, a.value, a.grad, b.value, b.grad]);
    });
  }

  it('mean: the hand value −log softmax(z)[label] and gradient (softmax − one-hot) / batch, in float64', async () => {
    const { logits, ids, oneHot } = data(5);
    const z = (await logits.array()) as number[][];
    const y = Array.from(await ids.data());
    const { value, grad } = valueAndGrad('mean', oneHot, true)(logits);
    let mean = 0;
    const want: number[] = [];
    z.forEach((row, i) => {
      const max = Math.max(...row);
      const sum = row.reduce((s, x) => s + Math.exp(x - max), 0);
      mean += (Math.log(sum) + max - row[y[i]!]!) / batch;
      for (const [j, x] of row.entries()) want.push((Math.exp(x - max) / sum - (j === y[i] ? 1 : 0)) / batch);
    });
    expect((await value.data())[0]).toBeCloseTo(mean, 4);
    const got = await grad.data();
    for (const [k, w] of want.entries()) expect(got[k]).toBeCloseTo(w, 6);
    tf.dispose([logits, ids, oneHot, value, grad]);
  });

  it('frees everything it saved for the backward pass (forward with and without a gradient)', async () => {
    const { logits, ids, oneHot } = data(7);
    await expectNoLeaks(() => {
      tf.dispose(valueAndGrad('mean', oneHot, true)(logits) as unknown as tf.Tensor[]);
      const { value, grad } = valueAndGrad('per-example', oneHot, true)(logits);
      tf.dispose([value, grad, sparseSoftmaxXent(oneHot, logits, { divisor: null })]);
    });
    tf.dispose([logits, ids, oneHot]);
  });
});

// A backend that registers TF's SparseSoftmaxCrossEntropyWithLogits kernel (the native backend does) gets the loss
// as that one kernel forward and one multiply backward. Here a float64 JS kernel registered for cpu stands in for it.
describe('sparseSoftmaxXent on a backend with a SparseSoftmaxCrossEntropyWithLogits kernel', () => {
  const name = 'SparseSoftmaxCrossEntropyWithLogits';
  beforeAll(async () => {
    await setupTestBackend('cpu');
    tf.registerKernel({
      kernelName: name,
      backendName: 'cpu',
      kernelFunc: ({ inputs, backend }) => {
        const cpu = backend as unknown as {
          readSync(id: unknown): Float32Array | Int32Array;
          makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
        };
        const { features, labels } = inputs as { features: tf.TensorInfo; labels: tf.TensorInfo };
        const [b, c] = features.shape as [number, number];
        const z = cpu.readSync(features.dataId);
        const ids = cpu.readSync(labels.dataId);
        const loss = new Float32Array(b);
        const backprop = new Float32Array(b * c);
        for (let i = 0; i < b; i++) {
          const row = Array.from(z.subarray(i * c, (i + 1) * c));
          const max = Math.max(...row);
          const sum = row.reduce((s, x) => s + Math.exp(x - max), 0);
          loss[i] = Math.log(sum) + max - row[ids[i]!]!;
          for (let j = 0; j < c; j++) backprop[i * c + j] = Math.exp(row[j]! - max) / sum - (j === ids[i] ? 1 : 0);
        }
        return [cpu.makeTensorInfo([b], 'float32', loss), cpu.makeTensorInfo([b, c], 'float32', backprop)];
      },
    });
  });
  afterAll(() => tf.unregisterKernel(name, 'cpu'));

  for (const mode of MODES) {
    it(`${mode}: runs the kernel, not the composed ops, with the composed value and gradient within float rounding`, async () => {
      const { logits, ids, oneHot } = data(3);
      const dy = mode === 'per-example' ? tf.randomUniform([batch], 0.1, 2, 'float32', 9) : tf.scalar(0.75);
      const f = (z: tf.Tensor) =>
        mode === 'per-example'
          ? sparseSoftmaxXent({ ids: ids as tf.Tensor1D }, z as tf.Tensor2D)
          : sparseSoftmaxXent({ ids: ids as tf.Tensor1D }, z as tf.Tensor2D, {
              divisor: mode === 'mean' ? batch : null,
            });
      let a: { value: tf.Tensor; grad: tf.Tensor } | undefined;
      const profile = await tf.profile(() => {
        a = tf.valueAndGrad(f)(logits, dy);
      });
      const names = profile.kernels.map((k) => k.name);
      expect(names).toContain(name);
      expect(names).not.toContain('Exp');
      const b = valueAndGrad(mode, oneHot, false, dy)(logits);
      const close = (x: Float32Array | Int32Array | Uint8Array, y: Float32Array | Int32Array | Uint8Array) => {
        expect(x.length).toBe(y.length);
        for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-6 + 1e-5 * Math.abs(y[i]!));
      };
      close(await a!.value.data(), await b.value.data());
      close(await a!.grad.data(), await b.grad.data());
      tf.dispose([logits, ids, oneHot, dy, a!.value, a!.grad, b.value, b.grad]);
    });
  }

  it('frees what it saved', async () => {
    const { logits, ids, oneHot } = data(4);
    await expectNoLeaks(() => {
      const { value, grad } = tf.valueAndGrad((z: tf.Tensor) =>
        sparseSoftmaxXent({ ids: ids as tf.Tensor1D }, z as tf.Tensor2D, { divisor: batch }),
      )(logits);
      tf.dispose([value, grad]);
    });
    tf.dispose([logits, ids, oneHot]);
  });
});
