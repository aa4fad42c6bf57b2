import { APPLY_MOMENTUM_KERNEL, type ApplyMomentumAttrs } from '@estimatorjs/io';
import { expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BackendError } from '../backend-error.js';
import { useBackend } from '../use-backend.js';
import { expectSameBits } from './apply-adam.test-util.js';
import { describeWasmVsCpu, expectThousandStepsSteady, seeded, seededVariables } from './kernel-parity.test-util.js';

const cases: Array<{ title: string; shape: number[]; attrs: ApplyMomentumAttrs }> = [
  { title: '1 element', shape: [1], attrs: { lr: 0.01, momentum: 0.9, useNesterov: false } },
  { title: '[33,5] (a scalar tail), Nesterov', shape: [33, 5], attrs: { lr: 0.3, momentum: 0.7, useNesterov: true } },
  { title: '[784,256]', shape: [784, 256], attrs: { lr: 0.01, momentum: 0.9, useNesterov: false } },
  { title: '[784,256], Nesterov', shape: [784, 256], attrs: { lr: 0.01, momentum: 0.9, useNesterov: true } },
];

const values = (shape: number[]) => [1, 2, 3].map((seed) => seeded(shape, seed));

/** MomentumOptimizer's composite ops (momentum-rmsprop-optimizers.ts), one float32 rounding each. */
function composite(shape: number[], { lr, momentum, useNesterov }: ApplyMomentumAttrs): Float32Array[] {
  return tf.tidy(() => {
    const [x, a, g] = values(shape).map((v) => tf.tensor(v, shape)) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const accum = tf.add(tf.mul(momentum, a), g);
    const step = useNesterov ? tf.add(tf.mul(lr, g), tf.mul(lr * momentum, accum)) : tf.mul(lr, accum);
    return [tf.sub(x, step), accum].map((t) => t.dataSync() as Float32Array);
  });
}

function fused(shape: number[], attrs: ApplyMomentumAttrs): Float32Array[] {
  return tf.tidy(() => {
    const [variable, accum, grad] = values(shape).map((v) => tf.tensor(v, shape)) as tf.Tensor[];
    const out = tf
      .engine()
      .runKernel(
        APPLY_MOMENTUM_KERNEL,
        { variable: variable!, accum: accum!, grad: grad! },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    return out.map((t) => t.dataSync() as Float32Array);
  });
}

/** TF's momentum_test.py testBasic (lr 2, momentum 0.9): two steps, and its literal expected values. */
function tfTestBasic(): number[][][] {
  const vars = [
    { x: tf.tensor1d([1, 2]), a: tf.zeros([2]), g: tf.tensor1d([0.1, 0.1]) },
    { x: tf.tensor1d([3, 4]), a: tf.zeros([2]), g: tf.tensor1d([0.01, 0.01]) },
  ];
  const out: number[][][] = [];
  for (let t = 0; t < 2; t++) {
    out.push(
      vars.map((s) => {
        const attrs = { lr: 2, momentum: 0.9, useNesterov: false };
        const [x, a] = tf
          .engine()
          .runKernel(APPLY_MOMENTUM_KERNEL, { variable: s.x, accum: s.a, grad: s.g }, attrs) as tf.Tensor[];
        tf.dispose([s.x, s.a]);
        Object.assign(s, { x, a });
        return Array.from(x!.dataSync());
      }),
    );
  }
  for (const s of vars) tf.dispose([s.x, s.a, s.g]);
  return out;
}

describeWasmVsCpu(`the fused momentum kernel ${APPLY_MOMENTUM_KERNEL}`, () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const c of cases) {
      it(`${backend}: ${c.title} — bit-identical to the composite ops`, async () => {
        await useBackend(backend);
        expect(tf.getKernel(APPLY_MOMENTUM_KERNEL, backend)).toBeDefined();
        const reference = composite(c.shape, c.attrs);
        expect(reference[0]![0]).not.toBe(values(c.shape)[0]![0]);
        expectSameBits(fused(c.shape, c.attrs), reference);
      });
    }

    it(`${backend}: TF momentum_test.py testBasic's expected values`, async () => {
      await useBackend(backend);
      const got = tfTestBasic();
      const expected = [
        [
          [1.0 - 0.1 * 2.0, 2.0 - 0.1 * 2.0],
          [3.0 - 0.01 * 2.0, 4.0 - 0.01 * 2.0],
        ],
        [
          [1.0 - 0.1 * 2.0 - (0.9 * 0.1 + 0.1) * 2.0, 2.0 - 0.1 * 2.0 - (0.9 * 0.1 + 0.1) * 2.0],
          [2.98 - (0.9 * 0.01 + 0.01) * 2.0, 3.98 - (0.9 * 0.01 + 0.01) * 2.0],
        ],
      ];
      for (const [t, step] of expected.entries()) {
        for (const [j, vs] of step.entries()) {
          for (const [i, e] of vs.entries()) expect(Math.abs(got[t]![j]![i]! - e)).toBeLessThanOrEqual(1e-6 + 1e-6 * e);
        }
      }
    });

    it(`${backend}: leaks no tensor; refuses mismatched inputs in one line`, async () => {
      await useBackend(backend);
      await expectNoLeaks(() => {
        fused([5, 3], cases[1]!.attrs);
      });
      const call = () =>
        tf.tidy(() =>
          tf
            .engine()
            .runKernel(
              APPLY_MOMENTUM_KERNEL,
              { variable: tf.zeros([2]), accum: tf.zeros([2], 'int32'), grad: tf.zeros([2]) },
              { lr: 1, momentum: 0.9, useNesterov: false },
            ),
        );
      expect(call).toThrow(BackendError);
      expect(call).toThrow(
        /^EstimatorjsApplyMomentum: expected float32 variable, accum and grad of one shape; received .*accum=int32\[2\]/,
      );
    });
  }
  it('wasm: 1,000 updates of a [784,256] variable grow neither the wasm heap nor its buffers', async () => {
    await useBackend('wasm');
    const shape = [784, 256];
    const vars = seededVariables(shape, 2);
    const g = tf.tensor(seeded(shape, 9), shape);
    const attrs = { lr: 0.01, momentum: 0.9, useNesterov: true };
    const steps = (n: number) => {
      for (let i = 0; i < n; i++) {
        tf.tidy(() => {
          const out = tf
            .engine()
            .runKernel(APPLY_MOMENTUM_KERNEL, { variable: vars[0]!, accum: vars[1]!, grad: g }, attrs) as tf.Tensor[];
          for (const [k, t] of out.entries()) vars[k]!.assign(t);
        });
      }
    };
    expectThousandStepsSteady(steps);
    tf.dispose([...vars, g]);
  });
});
