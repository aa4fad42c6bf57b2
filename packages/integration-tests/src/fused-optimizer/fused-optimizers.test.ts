import { useBackend } from '@estimatorjs/backends';
import { describe, expect, it } from 'vitest';
import { expectSameCheckpoint, trainFused } from './train-with-and-without.js';

// cpu and wasm share this process; the native backend has its own file (it cannot start beside wasm).
describe('fused optimizer kernels vs the composite ops, through the Estimator', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const kind of ['adam', 'momentum', 'rmsprop'] as const) {
      it(`${backend}, ${kind}: 9 steps (5, then a resume for 4) give a bit-identical checkpoint`, async () => {
        if (backend === 'wasm') await useBackend('wasm', { threads: 1 });
        const composite = await trainFused(backend, kind, false);
        const fused = await trainFused(backend, kind, true);
        // 4 variables (2 kernels, 2 biases) × 9 steps, all fused; none when unregistered.
        expect(fused.fusedCalls).toBe(36);
        expect(composite.fusedCalls).toBe(0);
        if (kind === 'adam') expect(fused.variables.get('optimizer/beta1_power')![0]).toBeCloseTo(0.8 ** 10, 6);
        expectSameCheckpoint(kind, fused, composite);
      });
    }
  }
});
