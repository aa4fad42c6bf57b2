import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import {
  type Conv2DCase,
  conv2dCaseTitle,
  conv2dOutShape,
  describeWasmVsCpu,
  expectClose,
  expectStepsLeakNothing,
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
  { x: [1, 9, 10, 2], filter: [4, 4, 2, 3], strides: [3, 2], pad: 'same' },
  { x: [3, 6, 6, 1], filter: [5, 5, 1, 2], strides: [1, 1], pad: 'same' },
  { x: [1, 9, 9, 2], filter: [2, 2, 2, 3], strides: [3, 3], pad: 1 },
  { x: [1, 6, 6, 2], filter: [2, 2, 2, 3], strides: [1, 1], pad: 2 },
  { x: [2, 5, 5, 3], filter: [1, 1, 3, 2], strides: [1, 1], pad: 'valid' },
  { x: [2, 3, 7, 6], filter: [3, 3, 3, 2], strides: [1, 2], pad: 'same', dataFormat: 'NCHW' },
];

/** Conv2DBackpropInput on the active backend. */
async function backpropInput(c: Conv2DCase): Promise<Float32Array> {
  const dy = tf.tensor(seeded(conv2dOutShape(c), 1), conv2dOutShape(c));
  const filter = tf.tensor(seeded(c.filter, 2), c.filter);
  const dx = runKernel(
    'Conv2DBackpropInput',
    { dy, filter },
    {
      inputShape: c.x,
      strides: c.strides,
      pad: c.pad,
      dataFormat: c.dataFormat ?? 'NHWC',
      dimRoundingMode: undefined,
    },
  );
  expect(dx.shape).toEqual(c.x);
  const data = (await dx.data()) as Float32Array;
  tf.dispose([dy, filter, dx]);
  return data;
}

describeWasmVsCpu('wasm Conv2DBackpropInput (XNNPACK Conv2D path)', () => {
  for (const c of cases) {
    it(`matches the cpu kernel: ${conv2dCaseTitle(c)}`, async () => {
      const { cpu, wasm } = await onCpuAndWasm(() => backpropInput(c));
      expectClose(wasm, cpu, { rtol: 1e-5, atol: 1e-5 });
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
    // f(x) = sum(conv2d(x, W) * dy) is linear in x, so central differences are exact up to rounding.
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
      runKernel(
        'Conv2DBackpropInput',
        { dy: tf.tensor(dys, info.outShape), filter: tf.tensor4d(ws, fShape) },
        { inputShape: xShape, strides: 2, pad: 'same', dataFormat: 'NHWC' },
      ).dataSync(),
    );
    expectClose(analytic, numericGradient(f, xs), NUMERIC_GRADIENT_TOLERANCE);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(seeded([2, 9, 9, 3], 8), [2, 9, 9, 3]);
    const w = tf.tensor4d(seeded([3, 3, 3, 4], 9), [3, 3, 3, 4]);
    expectStepsLeakNothing(() =>
      tf.dispose(tf.grad((a: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, w, 2, 'same')))(x)),
    );
    tf.dispose([x, w]);
  });
});
