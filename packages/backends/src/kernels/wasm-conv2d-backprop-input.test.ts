import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: 'valid' | 'same' | number;
  dataFormat?: 'NHWC' | 'NCHW';
}

const cases: Case[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [1, 8, 9, 2], filter: [3, 2, 2, 5], strides: [2, 2], pad: 'same' },
  { x: [1, 8, 9, 2], filter: [3, 2, 2, 5], strides: [2, 3], pad: 'valid' },
  { x: [1, 9, 10, 2], filter: [4, 4, 2, 3], strides: [3, 2], pad: 'same' },
  { x: [3, 6, 6, 1], filter: [5, 5, 1, 2], strides: [1, 1], pad: 'same' },
  { x: [1, 9, 9, 2], filter: [2, 2, 2, 3], strides: [3, 3], pad: 1 },
  { x: [1, 6, 6, 2], filter: [2, 2, 2, 3], strides: [1, 1], pad: 2 },
  { x: [2, 5, 5, 3], filter: [1, 1, 3, 2], strides: [1, 1], pad: 'valid' },
  { x: [2, 3, 7, 6], filter: [3, 3, 3, 2], strides: [1, 2], pad: 'same', dataFormat: 'NCHW' },
];

function seeded(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 2147483648 - 0.5;
  }
  return out;
}

function dyShape(c: Case): number[] {
  const nhwc = c.dataFormat === 'NCHW' ? [c.x[0], c.x[2], c.x[3], c.x[1]] : c.x;
  const info = tf.backend_util.computeConv2DInfo(
    nhwc as [number, number, number, number],
    c.filter,
    c.strides,
    1,
    c.pad,
  );
  const [n, h, w, ch] = info.outShape;
  return c.dataFormat === 'NCHW' ? [n, ch, h, w] : [n, h, w, ch];
}

async function backpropInput(backend: 'cpu' | 'wasm', c: Case): Promise<Float32Array> {
  await useBackend(backend);
  const dy = tf.tensor(seeded(dyShape(c), 1), dyShape(c));
  const filter = tf.tensor(seeded(c.filter, 2), c.filter);
  const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
    inputShape: c.x,
    strides: c.strides,
    pad: c.pad,
    dataFormat: c.dataFormat ?? 'NHWC',
    dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  expect(dx.shape).toEqual(c.x);
  const data = (await dx.data()) as Float32Array;
  tf.dispose([dy, filter, dx]);
  return data;
}

describe('wasm Conv2DBackpropInput (XNNPACK Conv2D path)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    await useBackend('wasm');
  });

  for (const c of cases) {
    it(`matches the cpu kernel: x=${c.x} filter=${c.filter} strides=${c.strides} pad=${c.pad} ${c.dataFormat ?? 'NHWC'}`, async () => {
      const expected = await backpropInput('cpu', c);
      const actual = await backpropInput('wasm', c);
      for (let i = 0; i < expected.length; i++) {
        const e = expected[i] as number;
        expect(Math.abs((actual[i] as number) - e)).toBeLessThan(1e-5 + 1e-5 * Math.abs(e));
      }
    });
  }

  it('matches the numeric gradient of conv2d with respect to its input', async () => {
    await useBackend('wasm');
    const xShape: [number, number, number, number] = [1, 6, 7, 2];
    const fShape: [number, number, number, number] = [3, 3, 2, 3];
    const xs = seeded(xShape, 3);
    const ws = seeded(fShape, 4);
    const info = tf.backend_util.computeConv2DInfo(xShape, fShape, 2, 1, 'same');
    const dys = seeded(info.outShape, 5);
    const f = (x: Float32Array): number =>
      tf.tidy(
        () =>
          tf
            .sum(
              tf.mul(
                tf.conv2d(tf.tensor4d(x, xShape), tf.tensor4d(ws, fShape), 2, 'same'),
                tf.tensor(dys, info.outShape),
              ),
            )
            .dataSync()[0] as number,
      );
    const analytic = tf.tidy(() =>
      (
        tf
          .engine()
          .runKernel('Conv2DBackpropInput', { dy: tf.tensor(dys, info.outShape), filter: tf.tensor4d(ws, fShape) }, {
            inputShape: xShape,
            strides: 2,
            pad: 'same',
            dataFormat: 'NHWC',
          } as unknown as tf.NamedAttrMap) as tf.Tensor
      ).dataSync(),
    );
    const eps = 0.5; // f is linear in x: central differences are exact up to rounding
    for (let i = 0; i < xs.length; i++) {
      const plus = xs.slice();
      const minus = xs.slice();
      plus[i] = (plus[i] as number) + eps;
      minus[i] = (minus[i] as number) - eps;
      const numeric = (f(plus) - f(minus)) / (2 * eps);
      expect(Math.abs((analytic[i] as number) - numeric)).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
    }
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(seeded([2, 9, 9, 3], 8), [2, 9, 9, 3]);
    const w = tf.tensor4d(seeded([3, 3, 3, 4], 9), [3, 3, 3, 4]);
    const step = () => tf.dispose(tf.grad((a: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, w, 2, 'same')))(x));
    step();
    const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const tensors = tf.memory().numTensors;
    const ids = backend.dataIdMap.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backend.dataIdMap.numDataIds()).toBe(ids);
    tf.dispose([x, w]);
  });
});
