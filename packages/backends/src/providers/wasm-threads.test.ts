import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../conformance/compare-runs.js';
import { trainReference } from '../conformance/train-reference.js';
import { useBackend } from '../use-backend.js';

// Its own test file: the wasm backend initialises once per process, and this one must start threaded.
describe("useBackend('wasm', { threads: 2 }) in Node", () => {
  it('runs the threaded binary with 2 threads and trains like cpu', async () => {
    const info = await useBackend('wasm', { threads: 2 });
    expect(info.threads).toBe(2);
    expect(info.simd).toBe(true);
    const before = tf.memory().numTensors;
    const threaded = await trainReference({ model: 'cnn', steps: 10 });
    expect(tf.memory().numTensors).toBe(before);
    await useBackend('cpu');
    const cpu = await trainReference({ model: 'cnn', steps: 10 });
    compareRuns(cpu, threaded, { rtol: 1e-4 });
  });

  it('refuses to change the thread count once wasm has started', async () => {
    await expect(useBackend('wasm', { threads: 3 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(useBackend('wasm', { threads: 2 })).resolves.toMatchObject({ threads: 2 });
  });
});
