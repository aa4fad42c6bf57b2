import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import { describeWasmVsCpu, expectStepsLeakNothing, onCpuAndWasm, seeded } from './kernel-parity.test-util.js';

interface SliceCase {
  readonly shape: number[];
  readonly begin: number[];
  readonly size: number[];
  readonly dtype?: 'float32' | 'int32' | 'bool';
}

const cases: SliceCase[] = [
  { shape: [100, 7], begin: [30, 0], size: [20, 7] }, // a batch of rows: contiguous
  { shape: [100, 7], begin: [30, 2], size: [20, 3] }, // columns too
  { shape: [4, 5, 6], begin: [1, 2, 3], size: [2, -1, 2] },
  { shape: [3, 4, 5, 6], begin: [0, 1, 0, 2], size: [3, 2, 5, 4] },
  { shape: [2, 3, 4, 5, 6], begin: [1, 0, 1, 2, 0], size: [1, 3, 2, 2, 6] }, // rank 5
  { shape: [9], begin: [4], size: [3], dtype: 'int32' },
  { shape: [6, 6], begin: [1, 1], size: [3, 2], dtype: 'bool' },
];

async function slice(c: SliceCase): Promise<{ shape: number[]; values: number[] }> {
  const values = seeded(c.shape, 1).map((v) =>
    c.dtype === 'bool' ? (v > 0 ? 1 : 0) : c.dtype === 'int32' ? Math.round(v * 100) : v,
  );
  const x = tf.tensor(values, c.shape, c.dtype ?? 'float32');
  const y = tf.slice(x, c.begin, c.size);
  const out = { shape: y.shape, values: Array.from(await y.data()) };
  tf.dispose([x, y]);
  return out;
}

describeWasmVsCpu('wasm Slice from the heap', () => {
  for (const c of cases) {
    it(`equals the cpu kernel: shape=${c.shape} begin=${c.begin} size=${c.size} ${c.dtype ?? 'float32'}`, async () => {
      const { cpu, wasm } = await onCpuAndWasm(() => slice(c));
      expect(wasm).toEqual(cpu);
    });
  }

  it('gives the slice gradient (a pad) equal to cpu', async () => {
    const { cpu, wasm } = await onCpuAndWasm(async () => {
      const x = tf.tensor(seeded([5, 6, 3], 2), [5, 6, 3]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.slice(v, [1, 2, 0], [3, 3, 2]))))(x);
      const d = Array.from(await g.data());
      tf.dispose([x, g]);
      return d;
    });
    expect(wasm).toEqual(cpu);
  });

  it('leaks no tensors and no wasm memory', async () => {
    await useBackend('wasm');
    const x = tf.tensor(seeded([40, 10], 3), [40, 10]);
    expectStepsLeakNothing(() => {
      tf.slice(x, [5, 0], [8, 10]).dispose();
      tf.slice(x, [5, 2], [8, 5]).dispose();
    });
    x.dispose();
  });
});
