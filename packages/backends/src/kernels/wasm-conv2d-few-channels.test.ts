import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import {
  type Conv2DCase,
  conv2dCaseTitle,
  describeWasmVsCpu,
  expectAllClose,
  expectClose,
  expectStepsLeakNothing,
  gradsOfSquaredSum,
  NUMERIC_GRADIENT_TOLERANCE,
  numericGradient,
  onCpuAndWasm,
  seeded,
} from './kernel-parity.test-util.js';

// Up to 4 input channels, output channels a multiple of 4 up to 32: our wasm-SIMD direct kernel. The last two go
// to XNNPACK (6 output channels; 36 output channels), checking the wrapper hands them over intact.
const cases: Conv2DCase[] = [
  { x: [3, 10, 10, 1], filter: [5, 5, 1, 20], strides: [1, 1], pad: 'same' }, // the reference CNN's first layer
  { x: [2, 7, 8, 3], filter: [3, 3, 3, 8], strides: [1, 1], pad: 'valid' },
  { x: [1, 9, 8, 2], filter: [3, 2, 2, 4], strides: [2, 3], pad: 'same' },
  { x: [2, 9, 9, 4], filter: [2, 3, 4, 32], strides: [3, 2], pad: 1 },
  { x: [1, 6, 7, 1], filter: [7, 7, 1, 12], strides: [1, 1], pad: 'same' }, // filter wider than half the input
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 6], strides: [1, 1], pad: 'same' },
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 36], strides: [1, 1], pad: 'same' },
];

async function conv(c: Conv2DCase): Promise<Float32Array> {
  const x = tf.tensor4d(seeded(c.x, 1), c.x);
  const w = tf.tensor4d(seeded(c.filter, 2), c.filter);
  const y = tf.conv2d(x, w, c.strides, c.pad);
  const data = (await y.data()) as Float32Array;
  tf.dispose([x, w, y]);
  return data;
}

describeWasmVsCpu('wasm Conv2D with few input channels', () => {
  for (const c of cases) {
    it(`matches the cpu kernel: ${conv2dCaseTitle(c)}`, async () => {
      const { cpu, wasm } = await onCpuAndWasm(() => conv(c));
      expectClose(wasm, cpu, { rtol: 1e-5, atol: 1e-5 });
    });
  }

  it('matches the numeric gradient of sum(conv2d(x, w) * dy) in x and in w (the forward it differentiates)', async () => {
    await useBackend('wasm');
    const xShape: [number, number, number, number] = [1, 6, 5, 2];
    const fShape: [number, number, number, number] = [3, 3, 2, 8];
    const xs = seeded(xShape, 3);
    const ws = seeded(fShape, 4);
    const outShape = [1, 6, 5, 8];
    const dys = seeded(outShape, 5);
    // linear in each argument: central differences of the wasm forward are exact up to rounding
    const f = (xv: Float32Array, wv: Float32Array): number =>
      tf.tidy(
        () =>
          tf
            .sum(
              tf.mul(tf.conv2d(tf.tensor4d(xv, xShape), tf.tensor4d(wv, fShape), 1, 'same'), tf.tensor(dys, outShape)),
            )
            .dataSync()[0] as number,
      );
    const [dx, dw] = tf.tidy(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), tf.tensor(dys, outShape))),
      );
      return g([tf.tensor4d(xs, xShape), tf.tensor4d(ws, fShape)]).map((t) => t.dataSync());
    }) as [Float32Array, Float32Array];
    expectClose(
      dx,
      numericGradient((v) => f(v, ws), xs),
      NUMERIC_GRADIENT_TOLERANCE,
    );
    expectClose(
      dw,
      numericGradient((v) => f(xs, v), ws),
      NUMERIC_GRADIENT_TOLERANCE,
    );
  });

  it('gives conv2d gradients equal to cpu through tf.grads', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      gradsOfSquaredSum((x, w) => tf.conv2d(x, w, 1, 'same'), [2, 10, 10, 1], [5, 5, 1, 20]),
    );
    expectAllClose(wasm, cpu, { rtol: 1e-4, atol: 1e-5 });
  });

  it('hands NCHW, dilated and int32 convolutions to the original kernel', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(seeded([1, 9, 9, 1], 6), [1, 9, 9, 1]);
    const w = tf.tensor4d(seeded([3, 3, 1, 8], 7), [3, 3, 1, 8]);
    const dilated = tf.conv2d(x, w, 1, 'same', 'NHWC', 2);
    expect(dilated.shape).toEqual([1, 9, 9, 8]);
    const { cpu, wasm } = await onCpuAndWasm(async () => {
      const y = tf.conv2d(
        tf.tensor4d(seeded([1, 9, 9, 1], 6), [1, 9, 9, 1]),
        tf.tensor4d(seeded([3, 3, 1, 8], 7), [3, 3, 1, 8]),
        1,
        'same',
        'NHWC',
        2,
      );
      const d = (await y.data()) as Float32Array;
      y.dispose();
      return d;
    });
    expectClose(wasm, cpu, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, w, dilated]);
  });

  it('leaks no tensors and no wasm memory', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(seeded([4, 12, 12, 1], 8), [4, 12, 12, 1]);
    const w = tf.tensor4d(seeded([5, 5, 1, 20], 9), [5, 5, 1, 20]);
    expectStepsLeakNothing(() => {
      tf.conv2d(x, w, 1, 'same').dispose();
    });
    tf.dispose([x, w]);
  });
});
