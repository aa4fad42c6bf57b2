import { describe, expect, it } from 'vitest';
import { BackendError } from './backend-error.js';
import { compareRuns } from './conformance/compare-runs.js';
import { trainReference } from './conformance/train-reference.js';
import { getProvider } from './providers.js';
import { useBackend } from './use-backend.js';
import { tfjsWasm } from './vite/index.js';

async function errorOf(fn: () => unknown): Promise<BackendError> {
  try {
    await fn();
  } catch (e) {
    return e as BackendError;
  }
  throw new Error('expected an error');
}

const run = { backend: 'cpu', losses: [1], weights: {} };

describe('backend options refuse unknown keys, naming the nearest known one', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'useBackend',
      () => useBackend('wasm', { thread: 4 } as never),
      /^useBackend\('wasm'\): unknown option "thread"\. Did you mean "threads"\? Known options: "threads", "wasmPaths", "trainingKernels", "gpu"\.$/,
    ],
    [
      'useBackend (snake_case)',
      () => useBackend('cpu', { wasm_paths: '/w/' } as never),
      /^useBackend\('cpu'\): unknown option "wasm_paths"\. Did you mean "wasmPaths"\?/,
    ],
    [
      'provider.create',
      () => getProvider('wasm').create({ trainingKernel: false } as never),
      /^getProvider\('wasm'\)\.create\(\): unknown option "trainingKernel"\. Did you mean "trainingKernels"\?/,
    ],
    [
      'trainReference',
      () => trainReference({ model: 'mlp', optimiser: 'adam' } as never),
      /^trainReference\(\): unknown option "optimiser"\. Did you mean "optimizer"\?/,
    ],
    [
      'compareRuns',
      () => compareRuns(run, run, { rtoI: 1e-3 } as never),
      /^compareRuns\(\): unknown option "rtoI"\. Did you mean "rtol"\?/,
    ],
    [
      'tfjsWasm',
      () => tfjsWasm({ crossOriginIsolated: true } as never),
      /^tfjsWasm\(\): unknown option "crossOriginIsolated"\. Did you mean "crossOriginIsolation"\?/,
    ],
  ];
  it.each(cases)('%s', async (_name, fn, message) => {
    const e = await errorOf(fn);
    expect(e).toBeInstanceOf(BackendError);
    expect(e.code).toBe('INVALID_OPTIONS');
    expect(e.message).toMatch(message);
  });
});
