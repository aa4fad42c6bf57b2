import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import {
  describeWasmVsCpu,
  expectAllClose,
  expectClose,
  gradsOfSquaredSum,
  NUMERIC_GRADIENT_TOLERANCE,
  numericGradient,
  onCpuAndWasm,
  runKernel,
  seeded,
} from './kernel-parity.test-util.js';

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'valid' | 'same';
  dilations: number;
}

const cases: Case[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 1], strides: 1, pad: 'same', dilations: 1 },
  { x: [1, 8, 9, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'same', dilations: 1 },
  { x: [1, 8, 9, 2], filter: [2, 3, 2, 3], strides: 2, pad: 'valid', dilations: 1 },
];

// tfjs-backend-cpu's depthwise backprop kernels ignore dilations, so these are checked numerically instead.
const dilated: Case[] = [
  { x: [1, 7, 7, 2], filter: [3, 3, 2, 2], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 6, 6, 3], filter: [2, 3, 3, 1], strides: 1, pad: 'valid', dilations: 2 },
];

/**
 * dx and dw on the active backend. Both backprop kernels run directly (tf.grads of depthwiseConv2d refuses
 * dilations > 1).
 */
async function grads(c: Case): Promise<[Float32Array, Float32Array]> {
  const x = tf.tensor4d(seeded(c.x, 1), c.x);
  const w = tf.tensor4d(seeded(c.filter, 2), c.filter);
  const y0 = tf.depthwiseConv2d(x, w, c.strides, c.pad, 'NHWC', c.dilations);
  const r = tf.tensor(seeded(y0.shape, 3), y0.shape);
  y0.dispose();
  const common = { strides: c.strides, pad: c.pad, dilations: c.dilations, dimRoundingMode: undefined };
  const dx = runKernel('DepthwiseConv2dNativeBackpropInput', { dy: r, filter: w }, { ...common, inputShape: c.x });
  const dw = runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy: r }, { ...common, filterShape: c.filter });
  const out: [Float32Array, Float32Array] = [(await dx.data()) as Float32Array, (await dw.data()) as Float32Array];
  tf.dispose([x, w, r, dx, dw]);
  return out;
}

describeWasmVsCpu('wasm depthwise conv2d backprop (filter and input)', () => {
  for (const c of cases) {
    it(`matches cpu: x=${c.x} filter=${c.filter} strides=${c.strides} pad=${c.pad} dilations=${c.dilations}`, async () => {
      const { cpu, wasm } = await onCpuAndWasm(() => grads(c));
      expectAllClose(wasm, cpu, { rtol: 1e-5, atol: 1e-5 });
    });
  }

  for (const c of dilated) {
    it(`matches numeric gradients: x=${c.x} filter=${c.filter} pad=${c.pad} dilations=${c.dilations}`, async () => {
      await useBackend('wasm');
      const [dx, dw] = await grads(c);
      const xs = seeded(c.x, 1);
      const ws = seeded(c.filter, 2);
      // f = sum(depthwiseConv2d(x, w) * r) is linear in x and in w: central differences are exact up to rounding.
      const f = (xv: Float32Array, wv: Float32Array): number =>
        tf.tidy(() => {
          const y = tf.depthwiseConv2d(
            tf.tensor4d(xv, c.x),
            tf.tensor4d(wv, c.filter),
            c.strides,
            c.pad,
            'NHWC',
            c.dilations,
          );
          return tf.sum(tf.mul(y, tf.tensor(seeded(y.shape, 3), y.shape))).dataSync()[0] as number;
        });
      const fx = (v: Float32Array) => f(v, ws);
      const fw = (v: Float32Array) => f(xs, v);
      expectClose(dx, numericGradient(fx, xs), NUMERIC_GRADIENT_TOLERANCE);
      expectClose(dw, numericGradient(fw, ws), NUMERIC_GRADIENT_TOLERANCE);
    });
  }

  it('gives depthwiseConv2d gradients through tf.grads equal to cpu', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      gradsOfSquaredSum((x, w) => tf.depthwiseConv2d(x, w, 2, 'same'), [2, 8, 8, 3], [3, 3, 3, 2]),
    );
    expectAllClose(wasm, cpu, { atol: 1e-4 });
  });

  it('leaks nothing', async () => {
    await useBackend('wasm');
    const x = tf.tensor4d(seeded([1, 6, 6, 2], 4), [1, 6, 6, 2]);
    const w = tf.tensor4d(seeded([3, 3, 2, 2], 5), [3, 3, 2, 2]);
    const f = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')),
    );
    tf.dispose(f([x, w]));
    const before = tf.memory().numTensors;
    tf.dispose(f([x, w]));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
