import { nativeProvider, useBackend } from '@estimatorjs/backends';
import { EXACT_FUSED_MATMUL_KERNEL } from '@estimatorjs/io';
import { describeWithTool, type Tool } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { expectSameCheckpoint, trainFused } from './train-with-and-without.js';

// Its own file, so its own process: 'native' cannot start once 'wasm' has (fused-optimizers.test.ts runs wasm).
const availability = await nativeProvider.isAvailable();
const native: Tool = {
  name: "@estimatorjs/native's oneDNN addon (Debian's libdnnl-dev)",
  missing: availability.available ? null : (availability.reason ?? 'unavailable'),
  install: 'apt-get install libdnnl-dev, then pnpm --filter @estimatorjs/native build (.ci/run does both)',
};

describeWithTool({ describe, it }, native, 'fused optimizer kernels vs the composite ops on the native backend', () => {
  for (const kind of ['adam', 'momentum', 'rmsprop'] as const) {
    it(`native, ${kind}: 9 steps (5, then a resume for 4) give a bit-identical checkpoint`, async () => {
      await useBackend('native', { threads: 1 });
      const composite = await trainFused('native', kind, false);
      const fused = await trainFused('native', kind, true);
      expect(fused.fusedCalls).toBe(36);
      expectSameCheckpoint(kind, fused, composite);
    });
  }
});

describeWithTool({ describe, it }, native, 'the dense layers’ exact fused matmul on the native backend', () => {
  it('native: 9 steps (5, then a resume for 4) with it give the checkpoint of BatchMatMul, Add and Relu, bit for bit', async () => {
    await useBackend('native', { threads: 1 });
    const composite = await trainFused('native', 'adam', false, EXACT_FUSED_MATMUL_KERNEL);
    const fused = await trainFused('native', 'adam', true, EXACT_FUSED_MATMUL_KERNEL);
    // Two dense layers a training step (the relu one and the linear logits), 9 steps.
    expect(fused.fusedCalls).toBe(18);
    expectSameCheckpoint('adam', fused, composite);
  });
});
