import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeWasmVsCpu, expectAllClose, expectClose, onCpuAndWasm, seeded } from './kernel-parity.test-util.js';

/** One matmul kernel on the active backend; `_FusedMatMul` adds a bias and a relu. */
async function run(
  kernel: 'BatchMatMul' | '_FusedMatMul',
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): Promise<{ shape: number[]; data: Float32Array }> {
  const a = tf.tensor(seeded(aShape, 1), aShape);
  const b = tf.tensor(seeded(bShape, 2), bShape);
  const n = transposeB ? (bShape[bShape.length - 2] as number) : (bShape[bShape.length - 1] as number);
  const bias = tf.tensor1d(seeded([n], 3));
  const inputs: tf.NamedTensorMap = kernel === 'BatchMatMul' ? { a, b } : { a, b, bias };
  const attrs: tf.NamedAttrMap =
    kernel === 'BatchMatMul' ? { transposeA, transposeB } : { transposeA, transposeB, activation: 'relu' };
  const out = tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;
  const result = { shape: out.shape, data: (await out.data()) as Float32Array };
  tf.dispose([a, b, bias, out]);
  return result;
}

describeWasmVsCpu('wasm matmul with transposeA/transposeB', () => {
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
          const { cpu, wasm } = await onCpuAndWasm(() => run(kernel, a, b, ta, tb));
          expect(wasm.shape).toEqual(cpu.shape);
          expectClose(wasm.data, cpu.data, { atol: 1e-5 });
        }
      });
    }
  }

  it('dense-layer gradients (transposed products) leak nothing and match cpu', async () => {
    const { cpu, wasm } = await onCpuAndWasm(async () => {
      const x = tf.tensor2d(seeded([8, 20], 4), [8, 20]);
      const w = tf.tensor2d(seeded([20, 6], 5), [20, 6]);
      const f = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b))));
      tf.dispose(f([x, w]));
      const before = tf.memory().numTensors;
      const [dx, dw] = f([x, w]) as [tf.Tensor, tf.Tensor];
      const out = [await dx.data(), await dw.data()];
      tf.dispose([dx, dw]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w]);
      return out;
    });
    expectAllClose(wasm, cpu, { atol: 1e-4 });
  });
});
