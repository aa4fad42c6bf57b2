import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import {
  type Conv2DCase,
  conv2dCaseTitle,
  conv2dOutShape,
  describeWasmVsCpu,
  expectAllClose,
  expectClose,
  expectStepsLeakNothing,
  gradsOfSquaredSum,
  NUMERIC_GRADIENT_TOLERANCE,
  numericGradient,
  onCpuAndWasm,
  runKernel,
  seeded,
} from './kernel-parity.test-util.js';

const cases: Conv2DCase[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [1, 8, 9, 2], filter: [3, 2, 2, 5], strides: [2, 2], pad: 'same' },
  { x: [1, 8, 9, 2], filter: [3, 2, 2, 5], strides: [2, 3], pad: 'valid' },
  { x: [3, 6, 6, 1], filter: [5, 5, 1, 2], strides: [1, 1], pad: 'same' },
  { x: [1, 9, 9, 2], filter: [2, 2, 2, 3], strides: [3, 3], pad: 1 },
  { x: [2, 5, 5, 3], filter: [1, 1, 3, 2], strides: [1, 1], pad: 'valid' },
  { x: [2, 3, 7, 6], filter: [3, 3, 3, 2], strides: [1, 2], pad: 'same', dataFormat: 'NCHW' },
  // more input channels, strided and NCHW: the shapes of real layers beyond the first
  { x: [2, 7, 7, 6], filter: [3, 3, 6, 4], strides: [1, 1], pad: 'same' },
  { x: [1, 8, 9, 5], filter: [3, 2, 5, 3], strides: [2, 3], pad: 'valid' },
  { x: [2, 6, 7, 8], filter: [2, 2, 6, 3], strides: [2, 1], pad: 'same', dataFormat: 'NCHW' },
  // up to 4 input channels and output channels a multiple of 4: our wasm-SIMD kernel (1 to 9 vectors of 4)
  { x: [3, 6, 6, 1], filter: [5, 5, 1, 20], strides: [1, 1], pad: 'same' },
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 8], strides: [1, 1], pad: 'valid' },
  { x: [1, 8, 9, 2], filter: [3, 2, 2, 4], strides: [2, 3], pad: 'same' },
  { x: [1, 9, 9, 4], filter: [2, 2, 4, 36], strides: [3, 3], pad: 1 },
  { x: [2, 4, 7, 6], filter: [3, 3, 4, 12], strides: [1, 2], pad: 'same', dataFormat: 'NCHW' },
];

/** Conv2DBackpropFilter on the active backend. */
async function backpropFilter(c: Conv2DCase): Promise<Float32Array> {
  const x = tf.tensor(seeded(c.x, 1), c.x);
  const dy = tf.tensor(seeded(conv2dOutShape(c), 2), conv2dOutShape(c));
  const dw = runKernel(
    'Conv2DBackpropFilter',
    { x, dy },
    {
      strides: c.strides,
      pad: c.pad,
      dataFormat: c.dataFormat ?? 'NHWC',
      dimRoundingMode: undefined,
      filterShape: c.filter,
    },
  );
  expect(dw.shape).toEqual(c.filter);
  const data = (await dw.data()) as Float32Array;
  tf.dispose([x, dy, dw]);
  return data;
}

describeWasmVsCpu('wasm Conv2DBackpropFilter', () => {
  for (const c of cases) {
    it(`matches the cpu kernel: ${conv2dCaseTitle(c)}`, async () => {
      const { cpu, wasm } = await onCpuAndWasm(() => backpropFilter(c));
      expectClose(wasm, cpu, { rtol: 1e-5, atol: 1e-5 });
    });
  }

  for (const [dilations, inC, outC] of [
    [[1, 1], 2, 3],
    [[2, 2], 2, 3],
    [[2, 1], 2, 3],
    [[1, 1], 6, 3],
    [[2, 1], 6, 3],
    [[1, 1], 2, 8], // our wasm-SIMD kernel
  ] as [[number, number], number, number][]) {
    it(`matches the numeric gradient of conv2d, dilations=${dilations}, ${inC} → ${outC} channels`, async () => {
      await useBackend('wasm');
      const xShape: [number, number, number, number] = [1, 7, 8, inC];
      const fShape: [number, number, number, number] = [3, 2, inC, outC];
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
      const analytic = tf.tidy(() =>
        runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor4d(xs, xShape), dy: tf.tensor(dys, info.outShape) },
          { strides: 1, pad, dataFormat: 'NHWC', filterShape: fShape, dilations },
        ).dataSync(),
      );
      expectClose(analytic, numericGradient(f, ws), NUMERIC_GRADIENT_TOLERANCE);
    });
  }

  it('gives conv2d gradients equal to cpu through tf.grads', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      gradsOfSquaredSum((x, w) => tf.conv2d(x, w, 2, 'same'), [2, 10, 10, 3], [5, 5, 3, 4]),
    );
    expectAllClose(wasm, cpu, { rtol: 1e-4, atol: 1e-5 });
  });

  for (const big of [
    { x: [30, 28, 28, 8], filter: [5, 5, 8, 1], strides: [1, 1], pad: 'same' },
    { x: [30, 28, 28, 1], filter: [5, 5, 1, 20], strides: [1, 1], pad: 'same' }, // the reference CNN's first layer
  ] as Conv2DCase[]) {
    it(`handles a large batch: ${conv2dCaseTitle(big)}`, async () => {
      const { cpu, wasm } = await onCpuAndWasm(() => backpropFilter(big));
      expectClose(wasm, cpu, { rtol: 1e-4, atol: 1e-4 });
    });
  }

  it('rejects strides and dilations both above 1, like tf.conv2d, without leaking', async () => {
    await useBackend('wasm');
    const x = tf.zeros([1, 9, 9, 1]);
    const dy = tf.zeros([1, 5, 5, 1]);
    const before = tf.memory().numTensors;
    expect(() =>
      runKernel(
        'Conv2DBackpropFilter',
        { x, dy },
        { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1], dilations: 2 },
      ),
    ).toThrow(/strides and dilations cannot both exceed 1/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dy]);
  });

  it('leaks no tensors and no wasm memory', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(seeded([4, 12, 12, 3], 8), [4, 12, 12, 3]);
    const w = tf.tensor4d(seeded([3, 3, 3, 6], 9), [3, 3, 3, 6]);
    const w8 = tf.tensor4d(seeded([3, 3, 3, 8], 9), [3, 3, 3, 8]); // our wasm-SIMD kernel
    expectStepsLeakNothing(() => {
      tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(x, b as tf.Tensor4D, 2, 'same')))(w).dispose();
      tf.grad((b: tf.Tensor) => tf.sum(tf.conv2d(x, b as tf.Tensor4D, 1, 'same')))(w8).dispose();
    });
    tf.dispose([x, w, w8]);
  });
});
