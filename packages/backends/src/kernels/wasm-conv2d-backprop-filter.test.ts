import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';

type Pad = 'valid' | 'same' | number;

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dataFormat?: 'NHWC' | 'NCHW';
}

const cases: Case[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [1, 8, 9, 2], filter: [3, 2, 2, 5], strides: [2, 2], pad: 'same' },
  { x: [1, 8, 9, 2], filter: [3, 2, 2, 5], strides: [2, 3], pad: 'valid' },
  { x: [3, 6, 6, 1], filter: [5, 5, 1, 2], strides: [1, 1], pad: 'same' },
  { x: [1, 9, 9, 2], filter: [2, 2, 2, 3], strides: [3, 3], pad: 1 },
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

function outShape(c: Case): number[] {
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

async function backpropFilter(backend: 'cpu' | 'wasm', c: Case): Promise<Float32Array> {
  await useBackend(backend);
  const x = tf.tensor(seeded(c.x, 1), c.x);
  const dy = tf.tensor(seeded(outShape(c), 2), outShape(c));
  const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides: c.strides,
    pad: c.pad,
    dataFormat: c.dataFormat ?? 'NHWC',
    dimRoundingMode: undefined,
    filterShape: c.filter,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  expect(dw.shape).toEqual(c.filter);
  const data = (await dw.data()) as Float32Array;
  tf.dispose([x, dy, dw]);
  return data;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Math.abs(a - e) > atol + rtol * Math.abs(e)) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

describe('wasm Conv2DBackpropFilter', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    await useBackend('wasm');
  });

  for (const c of cases) {
    const title = `x=${c.x} filter=${c.filter} strides=${c.strides} pad=${c.pad} ${c.dataFormat ?? 'NHWC'}`;
    it(`matches the cpu kernel: ${title}`, async () => {
      const expected = await backpropFilter('cpu', c);
      const actual = await backpropFilter('wasm', c);
      expectClose(actual, expected, 1e-5, 1e-5);
    });
  }

  for (const dilations of [
    [1, 1],
    [2, 2],
    [2, 1],
  ] as [number, number][]) {
    it(`matches the numeric gradient of conv2d, dilations=${dilations}`, async () => {
      await useBackend('wasm');
      const xShape: [number, number, number, number] = [1, 7, 8, 2];
      const fShape: [number, number, number, number] = [3, 2, 2, 3];
      const pad = 'same';
      const xs = seeded(xShape, 3);
      const ws = seeded(fShape, 4);
      const info = tf.backend_util.computeConv2DInfo(xShape, fShape, 1, dilations, pad);
      const dys = seeded(info.outShape, 5);
      // f(W) = sum(conv2d(x, W) * dy) is linear in W, so central differences are exact up to rounding.
      const f = (w: Float32Array): number =>
        tf.tidy(() => {
          const y = tf.conv2d(tf.tensor4d(xs, xShape), tf.tensor4d(w, fShape), 1, pad, 'NHWC', dilations);
          return tf.sum(tf.mul(y, tf.tensor(dys, info.outShape))).dataSync()[0] as number;
        });
      const numeric = new Float32Array(ws.length);
      const eps = 0.5;
      for (let i = 0; i < ws.length; i++) {
        const plus = ws.slice();
        const minus = ws.slice();
        plus[i] = (plus[i] as number) + eps;
        minus[i] = (minus[i] as number) - eps;
        numeric[i] = (f(plus) - f(minus)) / (2 * eps);
      }
      const analytic = tf.tidy(() =>
        (
          tf
            .engine()
            .runKernel('Conv2DBackpropFilter', { x: tf.tensor4d(xs, xShape), dy: tf.tensor(dys, info.outShape) }, {
              strides: 1,
              pad,
              dataFormat: 'NHWC',
              filterShape: fShape,
              dilations,
            } as unknown as tf.NamedAttrMap) as tf.Tensor
        ).dataSync(),
      );
      expectClose(analytic, numeric, 1e-3, 1e-4);
    });
  }

  it('gives conv2d gradients equal to cpu through tf.grads', async () => {
    const grads = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const x = tf.tensor4d(seeded([2, 10, 10, 3], 6), [2, 10, 10, 3]);
      const w = tf.tensor4d(seeded([5, 5, 3, 4], 7), [5, 5, 3, 4]);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))),
      )([x, w]);
      const out = [await (dx as tf.Tensor).data(), await (dw as tf.Tensor).data()];
      tf.dispose([x, w, dx as tf.Tensor, dw as tf.Tensor]);
      return out;
    };
    const [cdx, cdw] = await grads('cpu');
    const [wdx, wdw] = await grads('wasm');
    expectClose(wdx as Float32Array, cdx as Float32Array, 1e-4, 1e-5);
    expectClose(wdw as Float32Array, cdw as Float32Array, 1e-4, 1e-5);
  });

  it('handles a large batch', async () => {
    const big: Case = { x: [30, 28, 28, 8], filter: [5, 5, 8, 1], strides: [1, 1], pad: 'same' };
    const expected = await backpropFilter('cpu', big);
    const actual = await backpropFilter('wasm', big);
    expectClose(actual, expected, 1e-4, 1e-4);
  });

  it('rejects strides and dilations both above 1, like tf.conv2d, without leaking', async () => {
    await useBackend('wasm');
    const x = tf.zeros([1, 9, 9, 1]);
    const dy = tf.zeros([1, 5, 5, 1]);
    const before = tf.memory().numTensors;
    expect(() =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: 2,
        pad: 'same',
        dataFormat: 'NHWC',
        filterShape: [3, 3, 1, 1],
        dilations: 2,
      } as unknown as tf.NamedAttrMap),
    ).toThrow(/strides and dilations cannot both exceed 1/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  it('leaks no tensors and no wasm memory', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(seeded([4, 12, 12, 3], 8), [4, 12, 12, 3]);
    const w = tf.tensor4d(seeded([3, 3, 3, 6], 9), [3, 3, 3, 6]);
    const step = () => {
      const g = tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(x, b as tf.Tensor4D, 2, 'same')))(w);
      g.dispose();
    };
    step();
    const before = tf.memory();
    const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
    const idsBefore = backend.dataIdMap.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(backend.dataIdMap.numDataIds()).toBe(idsBefore);
    tf.dispose([x, w]);
  });
});
