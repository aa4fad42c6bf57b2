/**
 * Scaffolding for the native kernel tests: the addon as a test tool (skips visibly without libdnnl, fails under
 * CI=true), seeded inputs, and running one kernel on 'native' and on tfjs-backend-cpu with the same values.
 */
import '@tensorflow/tfjs-backend-cpu';
import type { Tool } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { nativeBackendProblem, registerNativeBackend } from './register-native-backend.js';

/** The oneDNN addon of this package, as a tool the suites need. */
export const oneDnnAddon: Tool = {
  name: "the oneDNN addon of @estimatorjs/native (Debian's libdnnl-dev)",
  missing: nativeBackendProblem(),
  install: 'apt-get install libdnnl-dev, then pnpm --filter @estimatorjs/native build (.ci/run does both)',
};

/** Starts (once) and switches to the native backend with `threads` oneDNN threads. */
export async function useNative(threads: number): Promise<void> {
  const info = await registerNativeBackend({ threads });
  expect(info.threads).toBe(threads);
  expect(await tf.setBackend('native')).toBe(true);
}

/** Seeded values in [-1, 1) (a 32-bit LCG, so every run and backend sees the same numbers). */
export function seeded(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** The inputs of one kernel call: name → [shape, values]. */
export type KernelInputs = Record<string, [number[], Float32Array]>;

/** Runs `kernelName` on the active backend with fresh tensors of `inputs`; returns its values and shape. */
export async function runKernel(
  kernelName: string,
  inputs: KernelInputs,
  attrs: Record<string, unknown>,
): Promise<{ shape: number[]; values: Float32Array }> {
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, [shape, v]]) => [k, tf.tensor(v, shape)]));
  const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  const shape = out.shape;
  tf.dispose([out, ...Object.values(tensors)]);
  return { shape, values };
}

/** The same kernel on tfjs-backend-cpu (the reference) and on 'native' with `threads`. */
export async function onCpuAndNative(
  threads: number,
  kernelName: string,
  inputs: KernelInputs,
  attrs: Record<string, unknown>,
): Promise<{ cpu: { shape: number[]; values: Float32Array }; native: { shape: number[]; values: Float32Array } }> {
  await tf.setBackend('cpu');
  // tfjs-backend-cpu's one-time "install our node backend" banner (the flag @estimatorjs/backends also clears).
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const cpu = await runKernel(kernelName, inputs, attrs);
  await useNative(threads);
  const native = await runKernel(kernelName, inputs, attrs);
  return { cpu, native };
}

/** `|actual - expected| <= atol + rtol * |expected|` everywhere, naming the first element that is not. */
export function expectClose(actual: Float32Array, expected: Float32Array, atol: number, rtol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const a = actual[i] as number;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`element ${i}: ${a} vs ${e} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** The same float32 bit patterns (so -0 and +0 differ), every NaN counting as one value (tfjs keeps no payload). */
export function expectBits(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < e.length; i++) {
    const bothNaN = Number.isNaN(actual[i]) && Number.isNaN(expected[i]);
    if (a[i] !== e[i] && !bothNaN) expect.fail(`element ${i}: ${actual[i]} vs ${expected[i]} (bits differ)`);
  }
}
