import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import { describeWasmVsCpu } from './kernel-parity.test-util.js';

async function segmentSum(backend: 'cpu' | 'wasm', dtype: 'float32' | 'int32'): Promise<number[]> {
  await useBackend(backend);
  const x = tf.tensor3d(
    Array.from({ length: 5 * 2 * 3 }, (_, i) => (dtype === 'int32' ? i : i * 0.25 - 3)),
    [5, 2, 3],
    dtype,
  );
  const ids = tf.tensor1d([2, 0, 2, -1, 3], 'int32');
  const out = tf.unsortedSegmentSum(x, ids, 4);
  expect(out.shape).toEqual([4, 2, 3]);
  const values = Array.from(await out.data());
  tf.dispose([x, ids, out]);
  return values;
}

describeWasmVsCpu('wasm UnsortedSegmentSum', () => {
  for (const dtype of ['float32', 'int32'] as const) {
    it(`matches cpu (${dtype}, negative ids dropped, empty segment zero)`, async () => {
      expect(await segmentSum('wasm', dtype)).toEqual(await segmentSum('cpu', dtype));
    });
  }

  it('makes gather (embedding) gradients work and match cpu, without leaks', async () => {
    const grad = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const table = tf.tensor2d(
        Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i)),
        [6, 4],
      );
      const idx = tf.tensor1d([1, 4, 1, 0, 5, 5, 5], 'int32');
      const f = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, idx))));
      tf.dispose(f(table));
      const before = tf.memory().numTensors;
      const g = f(table);
      const values = Array.from(await g.data());
      g.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([table, idx]);
      return values;
    };
    const expected = await grad('cpu');
    const actual = await grad('wasm');
    for (const [i, v] of actual.entries()) expect(v).toBeCloseTo(expected[i] as number, 5);
  });
});
