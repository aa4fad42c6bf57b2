import { describeWithTool, type Tool } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../backend-error.js';
import { compareRuns } from '../conformance/compare-runs.js';
import { type ReferenceRun, type TrainReferenceOptions, trainReference } from '../conformance/train-reference.js';
import { useBackend } from '../use-backend.js';
import { nativeProvider } from './native-provider.js';

// Its own test file, so its own process: 'native' and 'wasm' cannot both start in one process (tfjs-backend-wasm
// binds its kernels to one wasm instance at a time), and this file starts only 'native' (and cpu).
const availability = await nativeProvider.isAvailable();
const native: Tool = {
  name: "@estimatorjs/native's oneDNN addon (Debian's libdnnl-dev)",
  missing: availability.available ? null : (availability.reason ?? 'unavailable'),
  install: 'apt-get install libdnnl-dev, then pnpm --filter @estimatorjs/native build (.ci/run does both)',
};

async function runOn(
  backend: 'cpu' | 'native',
  threads: number,
  options: TrainReferenceOptions,
): Promise<ReferenceRun> {
  const info = await useBackend(backend, backend === 'native' ? { threads } : {});
  if (backend === 'native') expect(info.threads).toBe(threads);
  const before = tf.memory().numTensors;
  const run = await trainReference(options);
  expect(tf.memory().numTensors).toBe(before);
  return run;
}

describeWithTool({ describe, it }, native, "useBackend('native')", () => {
  it('activates the native backend: a wasm backend with oneDNN kernels, gradients registered', async () => {
    const info = await useBackend('native', { threads: 1 });
    expect(info).toMatchObject({ name: 'native', packageName: '@estimatorjs/native', threads: 1 });
    expect(tf.getBackend()).toBe('native');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2]));
    expect(Array.from(await g.data())).toEqual([2, 4]);
  });

  for (const threads of [1, 2]) {
    for (const [model, optimizer] of [
      ['cnn', 'adam'],
      ['mlp', 'momentum'],
    ] as const) {
      it(`conformance: the ${model} with ${optimizer}, 20 steps from the same seed, matches cpu (${threads} threads)`, async () => {
        const cpu = await runOn('cpu', threads, { model, optimizer });
        const other = await runOn('native', threads, { model, optimizer });
        expect(other.backend).toBe('native');
        expect(cpu.losses[19]).toBeLessThan(cpu.losses[0] as number);
        compareRuns(cpu, other, { rtol: 1e-4 });
      });
    }
  }

  it("refuses a bad thread count, and 'wasm' once 'native' started, each in one line", async () => {
    const bad = await useBackend('native', { threads: 1.5 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BackendError);
    expect((bad as BackendError).code).toBe('INVALID_OPTIONS');
    await useBackend('native', { threads: 1 });
    const wasm = await useBackend('wasm').catch((e: unknown) => e);
    expect(wasm).toBeInstanceOf(BackendError);
    expect((wasm as BackendError).code).toBe('BACKEND_UNAVAILABLE');
    expect((wasm as Error).message).toMatch(/^useBackend\('wasm'\): the 'native' backend already started/);
  });
});
