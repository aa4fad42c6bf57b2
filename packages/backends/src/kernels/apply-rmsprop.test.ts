import { APPLY_RMSPROP_KERNEL, type ApplyRMSPropAttrs } from '@estimatorjs/io';
import { expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { BackendError } from '../backend-error.js';
import { useBackend } from '../use-backend.js';
import { expectSameBits } from './apply-adam.test-util.js';
import { describeWasmVsCpu, expectThousandStepsSteady, seeded, seededVariables } from './kernel-parity.test-util.js';

const cases: Array<{ title: string; shape: number[]; attrs: ApplyRMSPropAttrs }> = [
  { title: '1 element', shape: [1], attrs: { lr: 0.01, decay: 0.9, momentum: 0, epsilon: 1e-10, centered: false } },
  {
    title: '[33,5] (a scalar tail), momentum 0.5, centered',
    shape: [33, 5],
    attrs: { lr: 0.3, decay: 0.7, momentum: 0.5, epsilon: 1e-3, centered: true },
  },
  {
    title: '[784,256]',
    shape: [784, 256],
    attrs: { lr: 0.001, decay: 0.9, momentum: 0.9, epsilon: 1e-10, centered: false },
  },
  {
    title: '[784,256], centered',
    shape: [784, 256],
    attrs: { lr: 0.001, decay: 0.9, momentum: 0, epsilon: 1, centered: true },
  },
];

/** variable, ms (≥ 0, as TF's starts at 1), mom, grad, mg (small, so the centered ms − mg² stays ≥ 0). */
function values(shape: number[]): Float32Array[] {
  const [x, ms, mom, g, mg] = [1, 2, 3, 4, 5].map((seed) => seeded(shape, seed));
  return [x!, ms!.map((v) => 1 + v), mom!, g!, mg!.map((v) => v * 0.1)];
}

/** RMSPropOptimizer's composite ops (momentum-rmsprop-optimizers.ts), one float32 rounding each. */
function composite(shape: number[], { lr, decay, momentum, epsilon, centered }: ApplyRMSPropAttrs): Float32Array[] {
  return tf.tidy(() => {
    const [v, ms0, prevMom, g, mg0] = values(shape).map((a) => tf.tensor(a, shape)) as tf.Tensor[];
    const ms = tf.add(tf.mul(decay, ms0!), tf.mul(1 - decay, tf.square(g!)));
    let denominator = ms;
    let mg: tf.Tensor | null = null;
    if (centered) {
      mg = tf.add(tf.mul(decay, mg0!), tf.mul(1 - decay, g!));
      denominator = tf.sub(ms, tf.square(mg));
    }
    const mom = tf.add(tf.mul(momentum, prevMom!), tf.div(tf.mul(lr, g!), tf.sqrt(tf.add(denominator, epsilon))));
    const out = mg ? [tf.sub(v!, mom), ms, mg, mom] : [tf.sub(v!, mom), ms, mom];
    return out.map((t) => t.dataSync() as Float32Array);
  });
}

function fused(shape: number[], attrs: ApplyRMSPropAttrs): Float32Array[] {
  return tf.tidy(() => {
    const [variable, ms, mom, grad, mg] = values(shape).map((a) => tf.tensor(a, shape)) as tf.Tensor[];
    const inputs: tf.NamedTensorMap = { variable: variable!, ms: ms!, mom: mom!, grad: grad! };
    if (attrs.centered) inputs.mg = mg!;
    const out = tf.engine().runKernel(APPLY_RMSPROP_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
    return out.map((t) => t.dataSync() as Float32Array);
  });
}

/**
 * TF's rmsprop_test.py `testDense` setting (var0 [1, 2] with gradient [0.1, 0.2], var1 [3, 4] with [0.01, 0.2],
 * ms starting at 1, lr 2, decay 0.9), three steps through the kernel against its `_rmsprop_update_numpy` in float64.
 */
function tfTestDense(attrs: ApplyRMSPropAttrs): void {
  const vars = [
    { x: [1, 2], g: [0.1, 0.2] },
    { x: [3, 4], g: [0.01, 0.2] },
  ];
  for (const { x: x0, g: g0 } of vars) {
    let s: Record<'x' | 'ms' | 'mom' | 'mg', tf.Tensor> = {
      x: tf.tensor1d(x0),
      ms: tf.ones([2]),
      mom: tf.zeros([2]),
      mg: tf.zeros([2]),
    };
    const g = tf.tensor1d(g0);
    const np = { x: x0.slice(), ms: [1, 1], mom: [0, 0], mg: [0, 0] };
    const { lr, decay: rho, momentum, epsilon, centered } = attrs;
    for (let t = 1; t <= 3; t++) {
      const inputs: tf.NamedTensorMap = { variable: s.x, ms: s.ms, mom: s.mom, grad: g };
      if (centered) inputs.mg = s.mg;
      const out = tf
        .engine()
        .runKernel(APPLY_RMSPROP_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      const next = centered
        ? { x: out[0]!, ms: out[1]!, mg: out[2]!, mom: out[3]! }
        : { x: out[0]!, ms: out[1]!, mg: s.mg, mom: out[2]! };
      tf.dispose([s.x, s.ms, s.mom, ...(centered ? [s.mg] : [])]);
      s = next;
      // _rmsprop_update_numpy: rms = rms·decay + (1 − decay)·g²; denom = rms + ε (− mg² centered);
      // mom = momentum·mom + lr·g/√denom; var −= mom.
      for (let i = 0; i < 2; i++) {
        const gi = g0[i]!;
        np.ms[i] = np.ms[i]! * rho + (1 - rho) * gi * gi;
        let denom = np.ms[i]! + epsilon;
        if (centered) {
          np.mg[i] = np.mg[i]! * rho + (1 - rho) * gi;
          denom -= np.mg[i]! * np.mg[i]!;
        }
        np.mom[i] = momentum * np.mom[i]! + (lr * gi) / Math.sqrt(denom);
        np.x[i] = np.x[i]! - np.mom[i]!;
      }
      const got = s.x.dataSync();
      for (let i = 0; i < 2; i++) {
        const e = np.x[i]!;
        expect(Math.abs(got[i]! - e), `step ${t} [${i}]: ${got[i]} vs ${e}`).toBeLessThanOrEqual(
          1e-6 + 1e-6 * Math.abs(e),
        );
      }
    }
    tf.dispose([s.x, s.ms, s.mom, s.mg, g]);
  }
}

describeWasmVsCpu(`the fused RMSProp kernel ${APPLY_RMSPROP_KERNEL}`, () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const c of cases) {
      it(`${backend}: ${c.title} — bit-identical to the composite ops`, async () => {
        await useBackend(backend);
        expect(tf.getKernel(APPLY_RMSPROP_KERNEL, backend)).toBeDefined();
        const reference = composite(c.shape, c.attrs);
        expect(reference[0]![0]).not.toBe(values(c.shape)[0]![0]);
        expectSameBits(fused(c.shape, c.attrs), reference);
      });
    }

    for (const [momentum, epsilon, centered] of [
      [0, 1e-3, false],
      [0.5, 1.0, false],
      [0.5, 1e-3, true],
    ] as const) {
      it(`${backend}: TF rmsprop_test.py testDense (momentum ${momentum}, epsilon ${epsilon}${centered ? ', centered' : ''}) against its numpy reference`, async () => {
        await useBackend(backend);
        tfTestDense({ lr: 2, decay: 0.9, momentum, epsilon, centered });
      });
    }

    it(`${backend}: leaks no tensor; refuses a centered call without mg in one line`, async () => {
      await useBackend(backend);
      await expectNoLeaks(() => {
        fused([5, 3], cases[1]!.attrs);
      });
      const call = () =>
        tf.tidy(() =>
          tf
            .engine()
            .runKernel(
              APPLY_RMSPROP_KERNEL,
              { variable: tf.zeros([2]), ms: tf.ones([2]), mom: tf.zeros([2]), grad: tf.zeros([2]) },
              { lr: 1, decay: 0.9, momentum: 0, epsilon: 1e-10, centered: true },
            ),
        );
      expect(call).toThrow(BackendError);
      expect(call).toThrow(
        /^EstimatorjsApplyRMSProp: expected float32 variable, ms, mom, grad and mg of one shape; received .*mg=missing/,
      );
    });
  }
  it('wasm: 1,000 updates of a [784,256] variable grow neither the wasm heap nor its buffers', async () => {
    await useBackend('wasm');
    const shape = [784, 256];
    const vars = seededVariables(shape, 4);
    const g = tf.tensor(seeded(shape, 9), shape);
    const attrs = { lr: 0.001, decay: 0.9, momentum: 0.5, epsilon: 1e-3, centered: true };
    const steps = (n: number) => {
      for (let i = 0; i < n; i++) {
        tf.tidy(() => {
          const out = tf
            .engine()
            .runKernel(
              APPLY_RMSPROP_KERNEL,
              { variable: vars[0]!, ms: vars[1]!, mom: vars[2]!, grad: g, mg: vars[3]! },
              attrs,
            ) as tf.Tensor[];
          for (const [k, t] of out.entries()) vars[k === 2 ? 3 : k === 3 ? 2 : k]!.assign(t);
        });
      }
    };
    expectThousandStepsSteady(steps);
    tf.dispose([...vars, g]);
  });
});
