import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 2147483648 - 0.5;
  }
  return out;
}

async function run(
  backend: 'cpu' | 'wasm',
  kernel: 'BatchMatMul' | '_FusedMatMul',
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): Promise<{ shape: number[]; data: Float32Array }> {
  await useBackend(backend);
  const a = tf.tensor(
    values(
      aShape.reduce((p, q) => p * q, 1),
      1,
    ),
    aShape,
  );
  const b = tf.tensor(
    values(
      bShape.reduce((p, q) => p * q, 1),
      2,
    ),
    bShape,
  );
  const n = transposeB ? (bShape[bShape.length - 2] as number) : (bShape[bShape.length - 1] as number);
  const bias = tf.tensor1d(values(n, 3));
  const inputs: tf.NamedTensorMap = kernel === 'BatchMatMul' ? { a, b } : { a, b, bias };
  const attrs: tf.NamedAttrMap =
    kernel === 'BatchMatMul' ? { transposeA, transposeB } : { transposeA, transposeB, activation: 'relu' };
  const out = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;
  const result = { shape: out.shape, data: (await out.data()) as Float32Array };
  tf.dispose([a, b, bias, out]);
  return result;
}

describe('wasm matmul with transposeA/transposeB', () => {
  beforeAll(async () => {
    await useBackend('cpu');
    await useBackend('wasm');
  });

  const shapes: Array<[number[], number[]]> = [
    [
      [1, 5, 7],
      [1, 7, 3],
    ],
    [
      [3, 4, 6],
      [3, 6, 2],
    ],
    [
      [1, 33, 17],
      [1, 17, 9],
    ],
  ];
  for (const kernel of ['BatchMatMul', '_FusedMatMul'] as const) {
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
      [false, false],
    ] as const) {
      it(`${kernel} transposeA=${ta} transposeB=${tb} matches cpu`, async () => {
        for (const [a0, b0] of shapes) {
          const a = ta ? [a0[0] as number, a0[2] as number, a0[1] as number] : a0;
          const b = tb ? [b0[0] as number, b0[2] as number, b0[1] as number] : b0;
          const expected = await run('cpu', kernel, a, b, ta, tb);
          const actual = await run('wasm', kernel, a, b, ta, tb);
          expect(actual.shape).toEqual(expected.shape);
          for (let i = 0; i < expected.data.length; i++) {
            expect(Math.abs((actual.data[i] as number) - (expected.data[i] as number))).toBeLessThan(1e-5);
          }
        }
      });
    }
  }

  it('dense-layer gradients (transposed products) leak nothing and match cpu', async () => {
    const grads = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const x = tf.tensor2d(values(8 * 20, 4), [8, 20]);
      const w = tf.tensor2d(values(20 * 6, 5), [20, 6]);
      const f = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b))));
      tf.dispose(f([x, w]));
      const before = tf.memory().numTensors;
      const [dx, dw] = f([x, w]);
      const out = [await (dx as tf.Tensor).data(), await (dw as tf.Tensor).data()];
      tf.dispose([dx as tf.Tensor, dw as tf.Tensor]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w]);
      return out;
    };
    const c = await grads('cpu');
    const w = await grads('wasm');
    for (let k = 0; k < 2; k++) {
      const e = c[k] as Float32Array;
      const a = w[k] as Float32Array;
      for (let i = 0; i < e.length; i++) expect(Math.abs((a[i] as number) - (e[i] as number))).toBeLessThan(1e-4);
    }
  });
});
