import { EXACT_FUSED_MATMUL_KERNEL } from '@estimatorjs/io';
import { describeWithTool } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadAddon } from './internal/addon.js';
import {
  expectBits,
  expectClose,
  onCpuAndNative,
  oneDnnAddon,
  runKernel,
  seeded,
  useNative,
} from './native-kernels.test-util.js';

// BatchMatMul and _FusedMatMul on oneDNN against tfjs-backend-cpu, at 1 and 2 oneDNN threads. The MLP's gradient
// is these same kernels with transposes (dW = xᵀ·dy, dx = dy·Wᵀ), so every transpose pair is a case.
const cases: Array<{ title: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { title: 'rank 2', a: [7, 13], b: [13, 5], transposeA: false, transposeB: false },
  { title: 'rank 2, a transposed (dW = xᵀ·dy)', a: [13, 7], b: [13, 5], transposeA: true, transposeB: false },
  { title: 'rank 2, b transposed (dx = dy·Wᵀ)', a: [7, 13], b: [5, 13], transposeA: false, transposeB: true },
  { title: 'rank 2, both transposed', a: [13, 7], b: [5, 13], transposeA: true, transposeB: true },
  { title: 'batch 3', a: [3, 4, 6], b: [3, 6, 2], transposeA: false, transposeB: false },
  { title: 'batch 3 against a broadcast batch 1', a: [3, 4, 6], b: [1, 2, 6], transposeA: false, transposeB: true },
  { title: 'the MLP layer 128×784 · 784×256', a: [128, 784], b: [784, 256], transposeA: false, transposeB: false },
];

for (const threads of [1, 2]) {
  describeWithTool({ describe, it }, oneDnnAddon, `native BatchMatMul and _FusedMatMul (${threads} threads)`, () => {
    for (const c of cases) {
      it(`BatchMatMul ${c.title} matches tfjs-backend-cpu`, async () => {
        const bShape = c.b;
        const inputs = {
          a: [
            c.a,
            seeded(
              c.a.reduce((p, d) => p * d, 1),
              1,
            ),
          ],
          b: [
            bShape,
            seeded(
              bShape.reduce((p, d) => p * d, 1),
              2,
            ),
          ],
        } as const;
        const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
        const { cpu, native } = await onCpuAndNative(threads, 'BatchMatMul', inputs as never, attrs);
        expect(native.shape).toEqual(cpu.shape);
        expectClose(native.values, cpu.values, 1e-4);
      });
    }

    for (const activation of ['linear', 'relu']) {
      it(`_FusedMatMul with bias and ${activation} matches tfjs-backend-cpu`, async () => {
        const inputs = {
          a: [[9, 11], seeded(99, 3)],
          b: [[11, 6], seeded(66, 4)],
          bias: [[6], seeded(6, 5)],
        } as const;
        const attrs = { transposeA: false, transposeB: false, activation };
        const { cpu, native } = await onCpuAndNative(threads, '_FusedMatMul', inputs as never, attrs);
        expect(native.shape).toEqual([9, 6]);
        expectClose(native.values, cpu.values, 1e-5);
        if (activation === 'relu') expect(Math.min(...native.values)).toBe(0);
      });
    }

    it('_FusedMatMul and EXACT_FUSED_MATMUL_KERNEL with bias and relu: the bits of BatchMatMul, Add and Relu, NaN and -0 too', async () => {
      // oneDNN's relu post-op turns NaN into 0; tfjs's relu keeps it (so a NaN reaches the loss and NanTensorHook).
      // The MLP layer's shape, and rows that make NaN, -0 and negative pre-activations.
      await useNative(threads);
      const x = seeded(128 * 784, 9);
      x[0] = Number.NaN;
      x.fill(0, 784, 2 * 784);
      const w = seeded(784 * 256, 10);
      const b = seeded(256, 11);
      b[3] = -0;
      const [fused, exact, composed] = tf.tidy(() => {
        const [a, k, bias] = [tf.tensor2d(x, [128, 784]), tf.tensor2d(w, [784, 256]), tf.tensor1d(b)];
        const attrs = { transposeA: false, transposeB: false, activation: 'relu' };
        return [
          tf.fused.matMul({ a, b: k, bias, activation: 'relu' }),
          // The dense layer's kernel (@estimatorjs/io's contract): the same product, the same promise.
          tf.engine().runKernel(EXACT_FUSED_MATMUL_KERNEL, { a, b: k, bias }, attrs) as tf.Tensor,
          tf.relu(tf.add(tf.matMul(a, k), bias)),
        ];
      });
      const [f, e, c] = (await Promise.all([fused.data(), exact.data(), composed.data()])) as Float32Array[];
      tf.dispose([fused, exact, composed]);
      expect(Number.isNaN(f![0])).toBe(true);
      expectBits(f!, c!);
      expectBits(e!, c!);
    });

    it('_FusedMatMul with an activation oneDNN is not given (elu) falls back to the wasm kernel', async () => {
      // Rank 3, as tfjs's fused.matMul hands it to the kernel (the wasm kernel reads shape[1] and shape[2]).
      const inputs = {
        a: [[1, 4, 5], seeded(20, 6)],
        b: [[1, 5, 3], seeded(15, 7)],
        bias: [[3], seeded(3, 8)],
      } as const;
      const attrs = { transposeA: false, transposeB: false, activation: 'elu' };
      const { cpu, native } = await onCpuAndNative(threads, '_FusedMatMul', inputs as never, attrs);
      expectClose(native.values, cpu.values, 1e-5);
    });
  });
}

// Small matmuls stay on the calling thread whatever the thread count: waking the sleeping OpenMP worker and joining
// it costs more than such a product (the MLP's 128×256×10 ones). The results are checked above at 1 and 2 threads.
describeWithTool({ describe, it }, oneDnnAddon, 'native matmul thread choice', () => {
  const run = async (a: number[], b: number[]) => {
    const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
    await runKernel('BatchMatMul', { a: [a, seeded(size(a), 1)], b: [b, seeded(size(b), 2)] }, {});
    return loadAddon().lastThreads();
  };

  it('runs a product below ~4M multiply-adds on one thread, a larger one on every thread allowed', async () => {
    await useNative(2);
    expect(await run([128, 256], [256, 10])).toBe(1); // 0.3M multiply-adds
    expect(await run([128, 10], [10, 256])).toBe(1);
    expect(await run([128, 784], [784, 256])).toBe(2); // 25.7M
    await useNative(1);
    expect(await run([128, 784], [784, 256])).toBe(1);
  });
});
