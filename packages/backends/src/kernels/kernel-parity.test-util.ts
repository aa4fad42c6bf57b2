/**
 * Test scaffolding for the wasm training kernels, which are checked against tfjs-backend-cpu's kernels and against
 * numeric gradients. Owns: backend switching, seeded inputs, tolerance comparison, central differences, the leak
 * check. Does not own: the cases (each `*.test.ts` states its own). Test-only: excluded from the build.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, inject } from 'vitest';
import { useBackend } from '../use-backend.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Threads the wasm backend starts with in this test run (vitest.config.ts runs the kernel suites at 1 and 2). */
    wasmThreads: number;
  }
}

/** The wasm thread count of this test run: 1 or 2 (vitest.config.ts projects), 1 when run outside them. */
export function wasmTestThreads(): number {
  return inject('wasmThreads') ?? 1;
}

/**
 * `useBackend('wasm')` with this run's thread count, checked: the first call in a test file starts wasm with it,
 * later calls reuse the running backend.
 */
export async function useTestWasm(): Promise<void> {
  const info = await useBackend('wasm', { threads: wasmTestThreads() });
  expect(info.threads).toBe(wasmTestThreads());
}

/** `|actual - expected| < atol + rtol * |expected|` for every element; `rtol` defaults to 0. */
export interface Tolerance {
  readonly rtol?: number;
  readonly atol: number;
}

/** How close an analytic gradient must be to its central-difference estimate. */
export const NUMERIC_GRADIENT_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-4 };

/**
 * A `describe` block whose tests switch between cpu and wasm: both are set up once, before its tests, wasm with
 * this run's thread count ({@link wasmTestThreads}); the title says which.
 */
export function describeWasmVsCpu(name: string, suite: () => void): void {
  describe(`${name} (wasm, ${wasmTestThreads()} thread${wasmTestThreads() === 1 ? '' : 's'})`, () => {
    beforeAll(async () => {
      await useBackend('cpu');
      await useTestWasm();
    });
    suite();
  });
}

/** Runs `compute` on cpu, then on wasm, and returns both results. */
export async function onCpuAndWasm<T>(compute: () => Promise<T>): Promise<{ cpu: T; wasm: T }> {
  await useBackend('cpu');
  const cpu = await compute();
  await useBackend('wasm');
  const wasm = await compute();
  return { cpu, wasm };
}

/** Deterministic values in [-0.5, 0.5), one per element of `shape`: the same for a given seed on every backend. */
export function seeded(shape: readonly number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 2147483648 - 0.5;
  }
  return out;
}

/** Fails on the first element of `actual` that is not within `tol` of `expected` (NaN is never within). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): void {
  expect(actual.length).toBe(expected.length);
  const rtol = tol.rtol ?? 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!(Math.abs(a - e) < tol.atol + rtol * Math.abs(e))) {
      expect.fail(`element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${tol.atol})`);
    }
  }
}

/** {@link expectClose} for each of several outputs (e.g. dx and dw). */
export function expectAllClose(
  actual: readonly ArrayLike<number>[],
  expected: readonly ArrayLike<number>[],
  tol: Tolerance,
): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) expectClose(actual[k]!, expected[k]!, tol);
}

/**
 * The gradient of `f` at `at` by central differences, one coordinate at a time. Exact up to rounding when `f` is
 * linear in its argument (as `sum(op(x) * dy)` is in each input of a convolution), whatever `eps`.
 */
export function numericGradient(f: (v: Float32Array) => number, at: Float32Array, eps = 0.5): Float64Array {
  const out = new Float64Array(at.length);
  for (let i = 0; i < at.length; i++) {
    const plus = at.slice();
    const minus = at.slice();
    plus[i] = (plus[i] as number) + eps;
    minus[i] = (minus[i] as number) - eps;
    out[i] = (f(plus) - f(minus)) / (2 * eps);
  }
  return out;
}

/**
 * The gradients of `sum(square(op(x, w)))` with respect to `x` and `w` through `tf.grads`, on the active backend, for
 * seeded inputs (`x` seed 6, `w` seed 7).
 */
export async function gradsOfSquaredSum(
  op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor,
  xShape: [number, number, number, number],
  wShape: [number, number, number, number],
): Promise<Float32Array[]> {
  const x = tf.tensor4d(seeded(xShape, 6), xShape);
  const w = tf.tensor4d(seeded(wShape, 7), wShape);
  const f = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(op(a as tf.Tensor4D, b as tf.Tensor4D))));
  const [dx, dw] = f([x, w]) as [tf.Tensor, tf.Tensor];
  const out = [(await dx.data()) as Float32Array, (await dw.data()) as Float32Array];
  tf.dispose([x, w, dx, dw]);
  return out;
}

/** `tf.engine().runKernel` with untyped attributes, for kernels that have no op wrapper taking these attributes. */
export function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown>): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * Runs `step` once (kernels may allocate lasting state), then three more times, and fails if those changed the
 * number of live tensors or of buffers the wasm backend holds. Call with wasm active.
 */
export function expectStepsLeakNothing(step: () => void): void {
  step();
  const backend = tf.backend() as unknown as { dataIdMap: { numDataIds(): number } };
  const tensors = tf.memory().numTensors;
  const ids = backend.dataIdMap.numDataIds();
  for (let i = 0; i < 3; i++) step();
  expect(tf.memory().numTensors).toBe(tensors);
  expect(backend.dataIdMap.numDataIds()).toBe(ids);
}

/** One Conv2D backprop case: input and filter shapes, strides and padding (dilations 1). */
export interface Conv2DCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: [number, number];
  readonly pad: 'valid' | 'same' | number;
  readonly dataFormat?: 'NHWC' | 'NCHW';
}

/** The test title of a {@link Conv2DCase}. */
export function conv2dCaseTitle(c: Conv2DCase): string {
  return `x=${c.x} filter=${c.filter} strides=${c.strides} pad=${c.pad} ${c.dataFormat ?? 'NHWC'}`;
}

/** The shape of conv2d's output (= dy) for a case, in the case's data format. */
export function conv2dOutShape(c: Conv2DCase): number[] {
  const nhwc = c.dataFormat === 'NCHW' ? [c.x[0], c.x[2], c.x[3], c.x[1]] : c.x;
  const info = tf.backend_util.computeConv2DInfo(
    nhwc as [number, number, number, number],
    c.filter,
    c.strides,
    1,
    c.pad,
  );
  const [n, h, w, ch] = info.outShape;
  return c.dataFormat === 'NCHW' ? [n, ch, h, w] : [n, h, w, ch];
}

/** The wasm heap size and the number of buffers the active wasm backend holds. */
export function wasmHeapState(): { heapBytes: number; buffers: number } {
  const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array }; dataIdMap: { numDataIds(): number } };
  return { heapBytes: backend.wasm.HEAPU8.buffer.byteLength, buffers: backend.dataIdMap.numDataIds() };
}

/** `count` float32 variables of `shape` with non-negative seeded values (seeds 1, 2, …): optimizer slots that must stay ≥ 0. */
export function seededVariables(shape: readonly number[], count: number): tf.Variable[] {
  return Array.from({ length: count }, (_, k) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor(
          seeded(shape, k + 1).map((x) => Math.abs(x)),
          [...shape],
        ),
        false,
      ),
    ),
  );
}

/**
 * Runs `steps(5)` (lasting state may settle), then `steps(1000)`, and fails if the second changed the number of
 * live tensors, the wasm heap's size or the number of buffers. Call with wasm active.
 */
export function expectThousandStepsSteady(steps: (count: number) => void): void {
  steps(5);
  const tensors = tf.memory().numTensors;
  const before = wasmHeapState();
  steps(1000);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(wasmHeapState()).toEqual(before);
}
