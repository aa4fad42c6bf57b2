import { READ_INTO_KERNEL } from '@estimatorjs/io';
import { expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import { seeded, useTestWasm } from './kernel-parity.test-util.js';

const readInto = (x: tf.Tensor, out: Float32Array) =>
  tf.engine().runKernel(READ_INTO_KERNEL, { x }, { out } as unknown as tf.NamedAttrMap) as tf.Tensor;

describe.each([
  ['cpu', () => useBackend('cpu')],
  ['wasm', useTestWasm],
])('READ_INTO_KERNEL on %s', (name, use) => {
  it('copies the values into the caller’s array, the same bits as data(), and hands back the same data', async () => {
    await use();
    expect(tf.getBackend()).toBe(name);
    expect(tf.getKernel(READ_INTO_KERNEL, name)).toBeDefined();
    // A computed tensor (not an upload), with values that need all 32 bits: -0, NaN, a subnormal, large magnitudes.
    const x = tf.tidy(() => tf.concat([tf.mul(tf.tensor1d(seeded([70_001], 3)), 1e3), tf.tensor1d([-0, NaN, 1e-42])]));
    const out = new Float32Array(x.size + 5).fill(9);
    await expectNoLeaks(() => {
      const same = readInto(x, out);
      expect(same.dataId).toBe(x.dataId);
      expect(same.shape).toEqual(x.shape);
      same.dispose();
    });
    const expected = (await x.data()) as Float32Array;
    expect(new Uint32Array(out.buffer, 0, x.size)).toEqual(
      new Uint32Array(expected.buffer, expected.byteOffset, x.size),
    );
    // The tail beyond x's size is untouched; x is still alive and unchanged after its handle was disposed.
    expect(Array.from(out.subarray(x.size))).toEqual([9, 9, 9, 9, 9]);
    expect(Object.is((await x.data())[x.size - 3], -0)).toBe(true);
    x.dispose();
  });

  it('refuses a wrong dtype or too short an array, naming both', async () => {
    await use();
    const x = tf.tensor1d([1, 2, 3], 'int32');
    const y = tf.tensor1d([1, 2, 3]);
    expect(() => readInto(x, new Float32Array(3))).toThrow(/EstimatorjsReadInto: expected a float32 x.*x=int32\[3\]/);
    expect(() => readInto(y, new Float32Array(2))).toThrow(/out=Float32Array\(2\)/);
    tf.dispose([x, y]);
  });
});
