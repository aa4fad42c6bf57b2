import { APPLY_ADAM_KERNEL } from '@estimatorjs/io';
import { expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BackendError } from '../backend-error.js';
import { useBackend } from '../use-backend.js';
import {
  ADAM_CASES,
  adamSteps,
  compositeAdam,
  expectSameBits,
  expectTfClose,
  fusedAdam,
  tfAdamTestBasic,
} from './apply-adam.test-util.js';
import { describeWasmVsCpu, expectThousandStepsSteady } from './kernel-parity.test-util.js';
import { simdKernels } from './wasm-simd-kernels.js';

describeWasmVsCpu(`the fused Adam kernel ${APPLY_ADAM_KERNEL}`, () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`is registered on ${backend} by useBackend, wasm's on our SIMD module`, async () => {
      await useBackend(backend);
      expect(tf.getKernel(APPLY_ADAM_KERNEL, backend)).toBeDefined();
      if (backend === 'wasm') expect(simdKernels(tf.backend())).not.toBeNull();
    });

    for (const c of ADAM_CASES) {
      it(`${backend}: ${c.title} — bit-identical to the composite ops`, async () => {
        await useBackend(backend);
        const composite = compositeAdam(c);
        // Not a vacuous comparison: the last weight moved.
        const last = c.values[0].length - 1;
        expect(composite[0]![last]).not.toBe(c.values[0][last]);
        expectSameBits(fusedAdam(c), composite);
      });
    }

    it(`${backend}: TF adam_test.py testBasic, three steps, within TF's float32 tolerance of its numpy reference`, async () => {
      await useBackend(backend);
      const { ours, numpy } = tfAdamTestBasic();
      // One step of Adam moves each weight by about lr (0.001), whatever the gradient's scale.
      expect(ours[0]![0]![0]!).toBeCloseTo(1 - 0.001, 6);
      expectTfClose(ours, numpy);
    });

    it(`${backend}: leaks no tensor; refuses mismatched inputs in one line`, async () => {
      await useBackend(backend);
      await expectNoLeaks(() => adamSteps(3));
      const call = () =>
        tf.tidy(() =>
          tf
            .engine()
            .runKernel(
              APPLY_ADAM_KERNEL,
              { variable: tf.zeros([2, 3]), m: tf.zeros([2, 3]), v: tf.zeros([3, 2]), grad: tf.zeros([2, 3]) },
              { lrT: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
            ),
        );
      expect(call).toThrow(BackendError);
      expect(call).toThrow(
        /^EstimatorjsApplyAdam: expected float32 variable, m, v and grad of one shape; received .*v=float32\[3,2\]/,
      );
    });
  }

  it('wasm: 1,000 updates of a [784,256] variable grow neither the wasm heap nor its buffers', async () => {
    await useBackend('wasm');
    expectThousandStepsSteady(adamSteps);
  });
});
