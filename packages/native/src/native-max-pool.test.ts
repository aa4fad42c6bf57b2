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
  runKernel,
  seeded,
  useNative,
} from './native-kernels.test-util.js';

interface PoolCase {
  title: string;
  x: [number, number, number, number];
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number;
}

// The reference CNN's two poolings (2×2, stride 2, same, on 28×28×20 and 14×14×40), overlapping windows (3×3
// stride 2 and stride 1: an input then takes several gradients, summed), a non-square window with unequal strides,
// odd sizes (a clipped last window), numeric padding, a window larger than its stride in one direction only, and
// windows that leave inputs unread (their gradient must be 0).
const cases: PoolCase[] = [
  { title: 'CNN layer 1: 2×2/2 same', x: [3, 28, 28, 20], filterSize: 2, strides: 2, pad: 'same' },
  { title: 'CNN layer 2: 2×2/2 same', x: [3, 14, 14, 40], filterSize: 2, strides: 2, pad: 'same' },
  { title: '3×3/2 same, odd size', x: [2, 9, 7, 5], filterSize: 3, strides: 2, pad: 'same' },
  { title: '3×3/1 valid', x: [2, 8, 8, 3], filterSize: 3, strides: 1, pad: 'valid' },
  { title: '2×3 window, strides (1, 3), valid', x: [2, 7, 10, 4], filterSize: [2, 3], strides: [1, 3], pad: 'valid' },
  { title: '3×2 window, stride 2, pad 1', x: [1, 8, 9, 6], filterSize: [3, 2], strides: 2, pad: 1 },
  { title: '2×2/3 valid: inputs no window reads', x: [2, 8, 8, 3], filterSize: 2, strides: 3, pad: 'valid' },
  {
    title: '2×2/2 valid, odd size: the last row and column unread',
    x: [2, 7, 9, 4],
    filterSize: 2,
    strides: 2,
    pad: 'valid',
  },
  { title: '2×2/2 same, odd size: clipped last windows', x: [1, 7, 7, 3], filterSize: 2, strides: 2, pad: 'same' },
];

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
const attrsOf = (c: PoolCase) => ({ filterSize: c.filterSize, strides: c.strides, pad: c.pad });

/** Values full of ties: each of {-1, -0, +0, 1} (and the odd NaN and -Infinity, which tfjs skips and loses to). */
function ties(n: number, seed: number, specials: boolean): Float32Array {
  const u = seeded(n, seed);
  const out = new Float32Array(n);
  const levels = [-1, -0, 0, 1];
  for (let i = 0; i < n; i++) out[i] = levels[Math.floor(((u[i] as number) + 1) * 2)] as number;
  if (specials) {
    for (let i = 5; i < n; i += 37) out[i] = Number.NaN;
    for (let i = 11; i < n; i += 41) out[i] = Number.NEGATIVE_INFINITY;
  }
  return out;
}

/** MaxPool's output for `x` on tfjs-backend-cpu: MaxPoolGrad's `output` input. */
async function cpuOutput(c: PoolCase, x: Float32Array): Promise<[number[], Float32Array]> {
  await tf.setBackend('cpu');
  const { shape, values } = await runKernel('MaxPool', { x: [c.x, x] }, attrsOf(c));
  return [shape, values];
}

for (const threads of [1, 2]) {
  describeWithTool({ describe, it }, oneDnnAddon, `native MaxPool and MaxPoolGrad (${threads} threads)`, () => {
    for (const c of cases) {
      for (const [kind, values] of [
        ['random', seeded(size(c.x), 1)],
        ['tied', ties(size(c.x), 2, true)],
      ] as const) {
        it(`MaxPool ${c.title}, ${kind} input: bit-identical to tfjs-backend-cpu`, async () => {
          const { cpu, native } = await onCpuAndNative(threads, 'MaxPool', { x: [c.x, values] }, attrsOf(c));
          expect(native.shape).toEqual(cpu.shape);
          expectBits(native.values, cpu.values);
        });

        it(`MaxPoolGrad ${c.title}, ${kind} input: bit-identical to tfjs-backend-cpu`, async () => {
          const [yShape, y] = await cpuOutput(c, values);
          // dy with its own ties and signed zeros, so a gradient sent to the wrong tied element shows.
          const dy =
            kind === 'tied' ? ties(size(yShape), 3, false).map((v, i) => v * (1 + (i % 7))) : seeded(size(yShape), 4);
          const inputs: KernelInputs = { dy: [yShape, dy], input: [c.x, values], output: [yShape, y] };
          const { cpu, native } = await onCpuAndNative(threads, 'MaxPoolGrad', inputs, attrsOf(c));
          expect(native.shape).toEqual(c.x);
          expectBits(native.values, cpu.values);
        });
      }
    }

    it('gives every gradient of an all-equal window to its first element, as tfjs-backend-cpu does', async () => {
      const c: PoolCase = { title: 'flat', x: [1, 4, 4, 2], filterSize: 2, strides: 2, pad: 'valid' };
      const x = new Float32Array(size(c.x)).fill(0.5);
      const dy = Float32Array.from({ length: 8 }, (_, i) => i + 1);
      const inputs: KernelInputs = { dy: [[1, 2, 2, 2], dy], input: [c.x, x], output: [[1, 2, 2, 2], dy] };
      const { cpu, native } = await onCpuAndNative(threads, 'MaxPoolGrad', inputs, attrsOf(c));
      expectBits(native.values, cpu.values);
      // By hand: window (r, col) starts at input (2r, 2col); its channel-d gradient lands there, nowhere else.
      const expected = new Float32Array(size(c.x));
      for (let r = 0; r < 2; r++) {
        for (let col = 0; col < 2; col++) {
          for (let d = 0; d < 2; d++) expected[(2 * r * 4 + 2 * col) * 2 + d] = dy[(r * 2 + col) * 2 + d] as number;
        }
      }
      expectBits(native.values, expected);
    });

    it('splits a large pooling over the threads and keeps a small one on the calling thread', async () => {
      const c: PoolCase = { title: 'big', x: [32, 28, 28, 20], filterSize: 2, strides: 2, pad: 'same' };
      const x = seeded(size(c.x), 5);
      const { cpu, native } = await onCpuAndNative(threads, 'MaxPool', { x: [c.x, x] }, attrsOf(c));
      expectBits(native.values, cpu.values);
      expect(loadAddon().lastThreads()).toBe(threads);
      await runKernel('MaxPool', { x: [[1, 4, 4, 2], seeded(32, 6)] }, attrsOf(c));
      expect(loadAddon().lastThreads()).toBe(1);
    });

    it('leaves the 1×1 identity pooling to the wasm kernel, with the same result as tfjs-backend-cpu', async () => {
      const c: PoolCase = { title: 'identity', x: [2, 3, 3, 2], filterSize: 1, strides: 1, pad: 'valid' };
      const { cpu, native } = await onCpuAndNative(threads, 'MaxPool', { x: [c.x, seeded(36, 7)] }, attrsOf(c));
      expectBits(native.values, cpu.values);
    });
  });
}

describeWithTool({ describe, it }, oneDnnAddon, 'native max pooling over many calls', () => {
  it('runs on the addon, leaks no tensor and grows no wasm memory (1 and 2 threads)', async () => {
    for (const threads of [1, 2]) {
      await useNative(threads);
      expect(tf.getKernel('MaxPool', 'native')?.kernelFunc).not.toBe(tf.getKernel('MaxPool', 'wasm')?.kernelFunc);
      expect(tf.getKernel('MaxPoolGrad', 'native')?.kernelFunc).not.toBe(
        tf.getKernel('MaxPoolGrad', 'wasm')?.kernelFunc,
      );
      const backend = tf.backend() as unknown as NativeHostBackend;
      const x = tf.tensor4d(seeded(4 * 28 * 28 * 20, 8), [4, 28, 28, 20]);
      const attrs = { filterSize: 2, strides: 2, pad: 'same' };
      // One training step's pooling: forward, then the gradient of sum(y) (tfjs-core alone registers no gradients).
      const step = () =>
        tf.tidy(() => {
          const y = tf.engine().runKernel('MaxPool', { x }, attrs) as tf.Tensor;
          return tf.engine().runKernel('MaxPoolGrad', { dy: tf.onesLike(y), input: x, output: y }, attrs) as tf.Tensor;
        });
      tf.dispose(step());
      const heap = backend.wasm.HEAPU8.buffer.byteLength;
      await expectNoLeaks(() => {
        for (let i = 0; i < 300; i++) tf.dispose(step());
      });
      expect(backend.wasm.HEAPU8.buffer.byteLength).toBe(heap);
      // Each 2×2 window sends its gradient (1) to exactly one input.
      const dx = step();
      expect(tf.sum(dx).dataSync()[0]).toBe(4 * 14 * 14 * 20);
      tf.dispose([dx, x]);
    }
  }, 120_000);
});
