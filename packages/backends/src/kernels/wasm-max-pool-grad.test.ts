import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import {
  describeWasmVsCpu,
  expectClose,
  expectStepsLeakNothing,
  NUMERIC_GRADIENT_TOLERANCE,
  numericGradient,
  onCpuAndWasm,
  runKernel,
  seeded,
} from './kernel-parity.test-util.js';

interface PoolCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number];
  readonly strides: [number, number];
  readonly pad: 'valid' | 'same' | number;
}

const cases: PoolCase[] = [
  { x: [2, 8, 8, 3], filter: [2, 2], strides: [2, 2], pad: 'valid' }, // the reference CNN's pools
  { x: [1, 7, 9, 2], filter: [3, 3], strides: [2, 2], pad: 'same' }, // overlapping windows + padding
  { x: [2, 5, 6, 4], filter: [3, 2], strides: [1, 1], pad: 'same' },
  { x: [1, 9, 9, 1], filter: [2, 3], strides: [3, 2], pad: 'valid' }, // rows and columns nobody pools
  { x: [1, 6, 6, 2], filter: [3, 3], strides: [2, 2], pad: 1 },
  // channels a multiple of 4: four channels of a window at once in our wasm-SIMD kernel
  { x: [2, 8, 8, 20], filter: [2, 2], strides: [2, 2], pad: 'valid' },
  { x: [1, 7, 9, 8], filter: [3, 3], strides: [2, 2], pad: 'same' },
  { x: [2, 5, 6, 4], filter: [3, 2], strides: [1, 1], pad: 'same' },
];
const title = (c: PoolCase) => `x=${c.x} filter=${c.filter} strides=${c.strides} pad=${c.pad}`;

/** dx of maxPool for a seeded x and dy, by the MaxPoolGrad kernel of the active backend. */
async function maxPoolGrad(c: PoolCase, xValues = seeded(c.x, 1)): Promise<Float32Array> {
  const x = tf.tensor4d(xValues, c.x);
  const y = tf.maxPool(x, c.filter, c.strides, c.pad);
  const dy = tf.tensor(seeded(y.shape, 2), y.shape);
  const dx = runKernel(
    'MaxPoolGrad',
    { dy, input: x, output: y },
    { filterSize: c.filter, strides: c.strides, pad: c.pad, dimRoundingMode: undefined },
  );
  expect(dx.shape).toEqual(c.x);
  const data = (await dx.data()) as Float32Array;
  tf.dispose([x, y, dy, dx]);
  return data;
}

describeWasmVsCpu('wasm MaxPoolGrad', () => {
  for (const c of cases) {
    it(`matches the cpu kernel: ${title(c)}`, async () => {
      const { cpu, wasm } = await onCpuAndWasm(() => maxPoolGrad(c));
      expectClose(wasm, cpu, { atol: 1e-6 });
    });
  }

  for (const c of [cases[1], cases[6]] as PoolCase[]) {
    it(`sends a tied window to its first maximum, as cpu does (relu zeros): ${title(c)}`, async () => {
      const ties = seeded(c.x, 3).map((v, i) => (i % 3 === 0 ? 0.25 : Math.max(0, v)));
      const { cpu, wasm } = await onCpuAndWasm(() => maxPoolGrad(c, ties));
      expectClose(wasm, cpu, { atol: 1e-6 });
    });
  }

  for (const c of [cases[1], cases[6]] as PoolCase[]) {
    it(`matches the numeric gradient of maxPool: ${title(c)}`, async () => {
      await useBackend('wasm');
      const xs = seeded(c.x, 4);
      const outShape = tf.tidy(() => tf.maxPool(tf.tensor4d(xs, c.x), c.filter, c.strides, c.pad).shape);
      const dys = seeded(outShape, 5);
      // f(x) = sum(maxPool(x) * dy) is linear near x while each window keeps its maximum: distinct seeded values
      // a step of 1e-3 apart cannot swap places.
      const f = (v: Float32Array): number =>
        tf.tidy(
          () =>
            tf
              .sum(tf.mul(tf.maxPool(tf.tensor4d(v, c.x), c.filter, c.strides, c.pad), tf.tensor(dys, outShape)))
              .dataSync()[0] as number,
        );
      const analytic = tf.tidy(() => {
        const x = tf.tensor4d(xs, c.x);
        const y = tf.maxPool(x, c.filter, c.strides, c.pad);
        return runKernel(
          'MaxPoolGrad',
          { dy: tf.tensor(dys, outShape), input: x, output: y },
          { filterSize: c.filter, strides: c.strides, pad: c.pad },
        ).dataSync();
      });
      expectClose(analytic, numericGradient(f, xs, 1e-3), NUMERIC_GRADIENT_TOLERANCE);
    });
  }

  it('gives maxPool gradients equal to cpu through tf.grad', async () => {
    const { cpu, wasm } = await onCpuAndWasm(async () => {
      const x = tf.tensor4d(seeded([3, 12, 12, 5], 6), [3, 12, 12, 5]);
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'))))(x);
      const data = (await g.data()) as Float32Array;
      tf.dispose([x, g]);
      return data;
    });
    expectClose(wasm, cpu, { rtol: 1e-6, atol: 1e-6 });
  });

  it('leaks no tensors and no wasm memory', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(seeded([4, 10, 10, 3], 8), [4, 10, 10, 3]);
    expectStepsLeakNothing(() => {
      tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 3, 2, 'same')))(x).dispose();
    });
    x.dispose();
  });
});
