import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import {
  describeWasmVsCpu,
  expectClose,
  expectStepsLeakNothing,
  onCpuAndWasm,
  seeded,
} from './kernel-parity.test-util.js';

interface SumCase {
  readonly shape: number[];
  readonly axis: number[] | number;
  readonly keepDims: boolean;
}

const cases: SumCase[] = [
  { shape: [16, 9, 9, 20], axis: [0, 1, 2], keepDims: false }, // a bias gradient of a conv layer
  { shape: [16, 9, 9, 20], axis: [2, 0, 1], keepDims: true }, // axes in any order, kept
  { shape: [128, 10], axis: 0, keepDims: false }, // a dense layer's bias gradient
  { shape: [5, 3, 7], axis: [-3, -2], keepDims: false }, // negative axes; 7 columns: a 3-column scalar tail
  { shape: [33, 2], axis: [0], keepDims: true }, // fewer columns than a vector
  // not over the leading axes: the original kernel
  { shape: [4, 6, 8], axis: [1, 2], keepDims: false },
  { shape: [4, 6, 8], axis: 2, keepDims: true },
];

async function sum(c: SumCase): Promise<{ shape: number[]; values: Float32Array }> {
  const x = tf.tensor(seeded(c.shape, 1), c.shape);
  const y = tf.sum(x, c.axis, c.keepDims);
  const values = (await y.data()) as Float32Array;
  const shape = y.shape;
  tf.dispose([x, y]);
  return { shape, values };
}

describeWasmVsCpu('wasm Sum over the leading axes', () => {
  for (const c of cases) {
    it(`matches the cpu kernel: shape=${c.shape} axis=${c.axis} keepDims=${c.keepDims}`, async () => {
      const { cpu, wasm } = await onCpuAndWasm(() => sum(c));
      expect(wasm.shape).toEqual(cpu.shape);
      expectClose(wasm.values, cpu.values, { rtol: 1e-5, atol: 1e-5 });
    });
  }

  it('sums each column in row order: exactly the float32 sequential sum', async () => {
    await useBackend('wasm');
    const rows = 1000;
    const values = seeded([rows, 6], 2);
    const y = tf.sum(tf.tensor2d(values, [rows, 6]), 0);
    const got = (await y.data()) as Float32Array;
    y.dispose();
    const expected = new Float32Array(6);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < 6; c++) expected[c] = Math.fround((expected[c] as number) + (values[r * 6 + c] as number));
    }
    expect(Array.from(got)).toEqual(Array.from(expected));
  });

  it('gives the bias gradient of conv2d + bias equal to cpu through tf.grad', async () => {
    const { cpu, wasm } = await onCpuAndWasm(async () => {
      const x = tf.tensor4d(seeded([4, 6, 6, 8], 3), [4, 6, 6, 8]);
      const b = tf.tensor1d(seeded([8], 4));
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.add(x, v))))(b);
      const d = (await g.data()) as Float32Array;
      tf.dispose([x, b, g]);
      return d;
    });
    expectClose(wasm, cpu, { rtol: 1e-5, atol: 1e-5 });
  });

  it('leaks no tensors and no wasm memory', async () => {
    await useBackend('wasm');
    const x = tf.tensor(seeded([8, 5, 5, 12], 5), [8, 5, 5, 12]);
    expectStepsLeakNothing(() => {
      tf.sum(x, [0, 1, 2]).dispose();
    });
    x.dispose();
  });
});
