import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { Dataset } from './dataset.js';
import { fillNewTensor } from './internal/writable-tensor.js';

// Batches of slice pipelines are written straight into the backend's memory where the backend exposes it
// (wasm) and into a fresh array elsewhere (cpu). Both must give exactly the per-element result.
const N = 50;
const D = 20; // rows of 16+ values take the block-copy path
const xs = Float32Array.from({ length: N * D }, (_, i) => i * 0.5 - 3);
const ys = Int32Array.from({ length: N }, (_, i) => (i * 7) % 10);
const flags = Uint8Array.from({ length: N }, (_, i) => i % 3);

type Pipeline = (ds: Dataset<unknown>) => Dataset<unknown>;
const shuffled: Pipeline = (ds) => ds.shuffle(20, { seed: 5 }).batch(8).repeat(2);
// runs of consecutive rows, broken where an epoch wraps around (rows 48, 49, 0, 1, ...)
const inOrder: Pipeline = (ds) => ds.skip(3).repeat(3).batch(8);

async function batchesOn(backend: 'cpu' | 'wasm', general: boolean, pipeline = shuffled): Promise<unknown[]> {
  await setupTestBackend(backend);
  const x = tf.tensor2d(xs, [N, D]);
  const b = tf.tensor1d(flags, 'bool');
  let ds: Dataset<unknown> = Dataset.fromTensorSlices({ x, y: ys, b });
  // an identity map forces the general path: one tensor per element, then a stack per batch
  if (general) ds = ds.map((e) => e);
  const out: unknown[] = [];
  for await (const batch of pipeline(ds)) {
    const { x: bx, y: by, b: bb } = batch as Record<string, tf.Tensor>;
    expect(bx!.dtype).toBe('float32');
    expect(by!.dtype).toBe('int32');
    expect(bb!.dtype).toBe('bool');
    out.push({ x: bx!.arraySync(), y: by!.arraySync(), b: bb!.arraySync() });
    tf.dispose(batch as tf.TensorContainer);
  }
  tf.dispose([x, b]);
  return out;
}

describe('batch storage', () => {
  it('gives the same batches on wasm (written in place) and cpu, fast path and general (stacking) path alike', async () => {
    const reference = await batchesOn('cpu', true);
    expect(reference).toHaveLength(14);
    expect(await batchesOn('cpu', false)).toEqual(reference);
    expect(await batchesOn('wasm', false)).toEqual(reference);
    expect(await batchesOn('wasm', true)).toEqual(reference);
    const ordered = await batchesOn('cpu', true, inOrder);
    expect(ordered).toHaveLength(18);
    expect(await batchesOn('cpu', false, inOrder)).toEqual(ordered);
    expect(await batchesOn('wasm', false, inOrder)).toEqual(ordered);
  });

  it('leaks no tensor on wasm, including an early break', async () => {
    await setupTestBackend('wasm');
    const x = tf.tensor2d(xs, [N, D]);
    // the in-place path: tfjs-backend-wasm's own output allocation, the call its kernels make
    const allocations = vi.spyOn(tf.backend() as unknown as { makeOutput: () => unknown }, 'makeOutput');
    await expectNoLeaks(async () => {
      const ds = Dataset.fromTensorSlices({ x, y: ys }).shuffle(10, { seed: 1 }).batch(4).repeat();
      let n = 0;
      for await (const batch of ds) {
        tf.dispose(batch as tf.TensorContainer);
        if (++n === 30) break;
      }
    });
    expect(allocations.mock.calls.length).toBeGreaterThanOrEqual(60);
    allocations.mockRestore();
    x.dispose();
  });

  it('frees the new tensor when filling it throws', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      await setupTestBackend(backend);
      const before = tf.memory();
      expect(() =>
        fillNewTensor([4, 2], 'float32', () => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numBytes).toBe(before.numBytes);
      const t = fillNewTensor([2, 2], 'int32', (out) => out.set([1, 2, 3, 4]));
      expect(t.arraySync()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      t.dispose();
    }
  });

  it('reads a tensor source once on backends whose reads copy, for every pipeline built on it', async () => {
    await setupTestBackend('wasm');
    const x = tf.tensor2d(xs, [N, D]);
    const read = vi.spyOn(x, 'dataSync');
    const first = async () => {
      const it = Dataset.fromTensorSlices(x).batch(N).makeOneShotIterator();
      const r = await it.next();
      const v = (r.value as tf.Tensor).dataSync();
      tf.dispose(r.value as tf.Tensor);
      return Array.from(v);
    };
    const a = await first();
    const b = await first();
    expect(b).toEqual(a);
    expect(a).toEqual(Array.from(xs));
    expect(read).toHaveBeenCalledTimes(1);
    x.dispose();
    expect(() => Dataset.fromTensorSlices(x)).toThrow(/disposed/);
  });
});
