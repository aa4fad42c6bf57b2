import { APPLY_ADAM_KERNEL, APPLY_MOMENTUM_KERNEL, APPLY_RMSPROP_KERNEL } from '@estimatorjs/io';
import { describeWithTool, expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { NativeHostBackend } from './internal/heap.js';
import { oneDnnAddon, seeded, useNative } from './native-kernels.test-util.js';

const f = Math.fround;

/** Sizes around the AVX-512 (16) and AVX2 (8) bodies and their tails, TF's defaults and Inception's epsilon 1. */
const cases = [
  { shape: [1], attrs: { lrT: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } },
  { shape: [33, 5], attrs: { lrT: 0.0123, beta1: 0.5, beta2: 0.75, epsilon: 1 } },
  {
    shape: [784, 256],
    attrs: {
      lrT: f(f(0.001 * f(Math.sqrt(f(1 - f(0.999))))) / f(1 - f(0.9))),
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
    },
  },
];

type Case = (typeof cases)[number];

/** Runs `compute` in a tidy scope and returns the bits of the tensors it returns (then disposed). */
function readBits(compute: () => tf.Tensor[]): Uint32Array[] {
  const out = tf.tidy(compute);
  const bits = out.map((t) => new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
  tf.dispose(out);
  return bits;
}

function inputs(c: Case): tf.Tensor[] {
  const n = c.shape.reduce((p, d) => p * d, 1);
  return [1, 2, 3, 4].map((seed) =>
    tf.tensor(seed === 3 ? seeded(n, seed).map((x) => Math.abs(x) * 1e-3) : seeded(n, seed), c.shape),
  );
}

/** AdamOptimizer's composite ops on the active backend, one float32 rounding each. */
function composite(c: Case): Uint32Array[] {
  return readBits(() => {
    const [x, m, v, g] = inputs(c) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const { lrT, beta1, beta2, epsilon } = c.attrs;
    const m1 = tf.add(tf.mul(tf.scalar(beta1), m), tf.mul(tf.scalar(1 - beta1), g));
    const v1 = tf.add(tf.mul(tf.scalar(beta2), v), tf.mul(tf.scalar(1 - beta2), tf.square(g)));
    const x1 = tf.sub(x, tf.mul(tf.scalar(lrT), tf.div(m1, tf.add(tf.sqrt(v1), tf.scalar(epsilon)))));
    return [x1, m1, v1];
  });
}

function fused(c: Case): Uint32Array[] {
  return readBits(() => {
    const [variable, m, v, grad] = inputs(c) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const out = tf.engine().runKernel(APPLY_ADAM_KERNEL, { variable, m, v, grad }, c.attrs) as tf.Tensor[];
    return out;
  });
}

/** Fails at the first element whose bits differ. */
function expectSameBits(actual: Uint32Array[], expected: Uint32Array[]): void {
  expect(actual.length).toBe(expected.length);
  for (const [k, a] of actual.entries()) {
    const e = expected[k]!;
    expect(a.length).toBe(e.length);
    const first = a.findIndex((bits, i) => bits !== e[i]);
    expect(first, `output ${k}[${first}]`).toBe(-1);
  }
}

describeWithTool({ describe, it }, oneDnnAddon, 'the native fused optimizer updates (Adam, momentum, RMSProp)', () => {
  for (const c of cases) {
    it(`[${c.shape}]: bit-identical to the composite ops on tfjs-backend-cpu and on native`, async () => {
      await tf.setBackend('cpu');
      const cpu = composite(c);
      await useNative(1);
      expect(tf.getKernel(APPLY_ADAM_KERNEL, 'native')).toBeDefined();
      const ours = fused(c);
      expectSameBits(ours, cpu);
      expectSameBits(ours, composite(c));
      // Not vacuous: the last weight moved.
      const before = tf.tidy(() => inputs(c)[0]!.dataSync());
      expect(ours[0]![before.length - 1]).not.toBe(new Uint32Array(before.buffer)[before.length - 1]);
    });
  }

  for (const useNesterov of [false, true]) {
    it(`momentum${useNesterov ? ' (Nesterov)' : ''} [33,5] and [784,256]: bit-identical to the composite ops on cpu`, async () => {
      for (const shape of [
        [33, 5],
        [784, 256],
      ]) {
        const attrs = { lr: 0.3, momentum: 0.7, useNesterov };
        const n = shape[0]! * shape[1]!;
        const make = () => [1, 2, 3].map((seed) => tf.tensor(seeded(n, seed), shape));
        await tf.setBackend('cpu');
        const cpu = readBits(() => {
          const [x, a, g] = make() as [tf.Tensor, tf.Tensor, tf.Tensor];
          const accum = tf.add(tf.mul(attrs.momentum, a), g);
          const step = useNesterov
            ? tf.add(tf.mul(attrs.lr, g), tf.mul(attrs.lr * attrs.momentum, accum))
            : tf.mul(attrs.lr, accum);
          return [tf.sub(x, step), accum];
        });
        await useNative(1);
        const ours = readBits(() => {
          const [variable, accum, grad] = make() as [tf.Tensor, tf.Tensor, tf.Tensor];
          const out = tf.engine().runKernel(APPLY_MOMENTUM_KERNEL, { variable, accum, grad }, attrs) as tf.Tensor[];
          return out;
        });
        expectSameBits(ours, cpu);
      }
    });
  }

  for (const centered of [false, true]) {
    it(`RMSProp${centered ? ' (centered)' : ''} [33,5] and [784,256]: bit-identical to the composite ops on cpu`, async () => {
      for (const shape of [
        [33, 5],
        [784, 256],
      ]) {
        const attrs = { lr: 0.01, decay: 0.9, momentum: 0.5, epsilon: 1e-3, centered };
        const n = shape[0]! * shape[1]!;
        // variable, ms (1 + x ≥ 0, as TF's starts at 1), mom, grad, mg (small: ms − mg² stays ≥ 0).
        const make = () =>
          [1, 2, 3, 4, 5].map((seed) =>
            tf.tensor(
              seeded(n, seed).map((x) => (seed === 2 ? 1 + x : seed === 5 ? 0.1 * x : x)),
              shape,
            ),
          );
        await tf.setBackend('cpu');
        const cpu = readBits(() => {
          const [x, ms0, mom0, g, mg0] = make() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          const ms = tf.add(tf.mul(attrs.decay, ms0), tf.mul(1 - attrs.decay, tf.square(g)));
          const mg = tf.add(tf.mul(attrs.decay, mg0), tf.mul(1 - attrs.decay, g));
          const denominator = centered ? tf.sub(ms, tf.square(mg)) : ms;
          const step = tf.div(tf.mul(attrs.lr, g), tf.sqrt(tf.add(denominator, attrs.epsilon)));
          const mom = tf.add(tf.mul(attrs.momentum, mom0), step);
          return centered ? [tf.sub(x, mom), ms, mg, mom] : [tf.sub(x, mom), ms, mom];
        });
        await useNative(1);
        const ours = readBits(() => {
          const [variable, ms, mom, grad, mg] = make() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          const inputs: tf.NamedTensorMap = centered ? { variable, ms, mom, grad, mg } : { variable, ms, mom, grad };
          return tf.engine().runKernel(APPLY_RMSPROP_KERNEL, inputs, attrs) as tf.Tensor[];
        });
        expectSameBits(ours, cpu);
      }
    });
  }

  it('1,000 updates of a [784,256] variable leak no tensor and grow no wasm memory', async () => {
    await useNative(1);
    const backend = tf.backend() as unknown as NativeHostBackend;
    const c = cases[2]!;
    const [x, m, v, g] = tf.tidy(() => inputs(c).map((t) => tf.variable(t, false)));
    const step = () =>
      tf.tidy(() => {
        const out = tf
          .engine()
          .runKernel(APPLY_ADAM_KERNEL, { variable: x!, m: m!, v: v!, grad: g! }, c.attrs) as tf.Tensor[];
        x!.assign(out[0]!);
        m!.assign(out[1]!);
        v!.assign(out[2]!);
      });
    step();
    const heap = backend.wasm.HEAPU8.buffer.byteLength;
    await expectNoLeaks(() => {
      for (let i = 0; i < 1000; i++) step();
    });
    expect(backend.wasm.HEAPU8.buffer.byteLength).toBe(heap);
    tf.dispose([x!, m!, v!, g!]);
  });
});
