import { describeWithTool, expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadAddon } from './internal/addon.js';
import type { NativeHostBackend } from './internal/heap.js';
import {
  expectBits,
  type KernelInputs,
  onCpuAndNative,
  oneDnnAddon,
  seeded,
  useNative,
} from './native-kernels.test-util.js';

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

/** Seeded values spread over many magnitudes (so sums and products round), with signed zeros, infinities and NaN. */
function values(n: number, seed: number): Float32Array {
  const u = seeded(n, seed);
  const out = Float32Array.from(u, (v, i) => v * 2 ** ((i % 13) - 6));
  const specials = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -3e38];
  for (let i = 0; i < n; i += 29) out[i] = specials[(i / 29) % specials.length] as number;
  return out;
}

// The CNN's activation (scaled down, still above the addon's 2^17-element threading threshold) and a small one.
const big = [12, 28, 28, 20];
const small = [3, 5, 7];

for (const threads of [1, 2]) {
  describeWithTool({ describe, it }, oneDnnAddon, `native Add, Multiply, Relu and Step (${threads} threads)`, () => {
    for (const shape of [big, small]) {
      const last = shape[shape.length - 1] as number;
      const label = `[${shape.join(',')}]`;
      for (const kernel of ['Add', 'Multiply']) {
        it(`${kernel} ${label} + ${label}: bit-identical to tfjs-backend-cpu`, async () => {
          const inputs: KernelInputs = { a: [shape, values(size(shape), 1)], b: [shape, values(size(shape), 2)] };
          const { cpu, native } = await onCpuAndNative(threads, kernel, inputs, {});
          expect(native.shape).toEqual(shape);
          expectBits(native.values, cpu.values);
          expect(loadAddon().lastThreads()).toBe(size(shape) >= 2 ** 17 ? threads : 1);
        });
        it(`${kernel} ${label} with a [${last}] bias, either order: bit-identical to tfjs-backend-cpu`, async () => {
          const x: [number[], Float32Array] = [shape, values(size(shape), 3)];
          const bias: [number[], Float32Array] = [[last], values(last, 4)];
          for (const inputs of [
            { a: x, b: bias },
            { a: bias, b: x },
          ]) {
            const { cpu, native } = await onCpuAndNative(threads, kernel, inputs, {});
            expect(native.shape).toEqual(shape);
            expectBits(native.values, cpu.values);
          }
        });
      }
      it(`Relu ${label}: bit-identical to tfjs-backend-cpu (-0 gives +0)`, async () => {
        const { cpu, native } = await onCpuAndNative(threads, 'Relu', { x: [shape, values(size(shape), 5)] }, {});
        expectBits(native.values, cpu.values);
      });
      for (const alpha of [0, 0.3]) {
        it(`Step ${label}, alpha ${alpha}: bit-identical to tfjs-backend-cpu`, async () => {
          const inputs: KernelInputs = { x: [shape, values(size(shape), 6)] };
          const { cpu, native } = await onCpuAndNative(threads, 'Step', inputs, { alpha });
          expectBits(native.values, cpu.values);
        });
      }
    }

    it('leaves other broadcasts to the wasm kernel, with the same result as tfjs-backend-cpu', async () => {
      const inputs: KernelInputs = { a: [[4, 3], values(12, 7)], b: [[4, 1], values(4, 8)] };
      const { cpu, native } = await onCpuAndNative(threads, 'Add', inputs, {});
      expect(native.shape).toEqual([4, 3]);
      expectBits(native.values, cpu.values);
    });
  });
}

describeWithTool({ describe, it }, oneDnnAddon, 'native elementwise kernels over many calls', () => {
  it('leak no tensor and grow no wasm memory (1 and 2 threads)', async () => {
    for (const threads of [1, 2]) {
      await useNative(threads);
      const backend = tf.backend() as unknown as NativeHostBackend;
      const x = tf.tensor4d(seeded(size(big), 9), big as [number, number, number, number]);
      const bias = tf.tensor1d(seeded(20, 10));
      // The CNN's bias, relu and relu-gradient kernels.
      const step = () => tf.tidy(() => tf.mul(tf.relu(tf.add(x, bias)), tf.step(x)));
      tf.dispose(step());
      const heap = backend.wasm.HEAPU8.buffer.byteLength;
      await expectNoLeaks(() => {
        for (let i = 0; i < 300; i++) tf.dispose(step());
      });
      expect(backend.wasm.HEAPU8.buffer.byteLength).toBe(heap);
      tf.dispose([x, bias]);
    }
  }, 120_000);
});
