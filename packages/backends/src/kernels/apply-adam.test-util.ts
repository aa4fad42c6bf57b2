/**
 * Cases and references for the fused Adam kernel (@estimatorjs/io's APPLY_ADAM_KERNEL), shared by the cpu/wasm and
 * the native test files (each backend family runs in its own process). Owns: the composite reference (the ops the
 * estimator's AdamOptimizer runs without the kernel), TF's adam_test.py reference in float64, the bit comparison.
 * Test-only: excluded from the build.
 */
import { APPLY_ADAM_KERNEL, type ApplyAdamAttrs } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { seeded } from './kernel-parity.test-util.js';

const f = Math.fround;

/** One update's float32 inputs and attributes. */
export interface AdamCase {
  readonly title: string;
  readonly shape: number[];
  readonly attrs: ApplyAdamAttrs;
  /** Values of variable, m, v (non-negative), grad. */
  readonly values: [Float32Array, Float32Array, Float32Array, Float32Array];
}

function make(title: string, shape: number[], attrs: ApplyAdamAttrs, seed: number): AdamCase {
  const [x, m, v, g] = [0, 1, 2, 3].map((k) => seeded(shape, seed + k));
  for (let i = 0; i < v!.length; i++) v![i] = Math.abs(v![i]!) * 1e-3;
  // Exact zeros (v = 0 too: √0 + ε), a large and a tiny gradient.
  if (g!.length > 3) {
    g![0] = 0;
    v![0] = 0;
    g![1] = 1e4;
    g![2] = -1e-20;
  }
  return { title, shape, attrs, values: [x!, m!, v!, g!] };
}

/** Sizes around the 4-lane SIMD body and its scalar tail, TF's defaults, a large ε (Inception's 1.0), odd betas. */
export const ADAM_CASES: readonly AdamCase[] = [
  make('1 element, defaults', [1], { lrT: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, 1),
  make(
    '[7], defaults at step 1',
    [7],
    { lrT: f(f(0.001 * f(Math.sqrt(f(1 - f(0.999))))) / f(1 - f(0.9))), beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    2,
  ),
  make(
    '[33,5] (a scalar tail), beta1 0.5, beta2 0.75, epsilon 1',
    [33, 5],
    { lrT: 0.0123, beta1: 0.5, beta2: 0.75, epsilon: 1 },
    3,
  ),
  make(
    '[784,256] (the MLP kernel), defaults',
    [784, 256],
    { lrT: 0.00031622776, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    4,
  ),
];

/** The update as AdamOptimizer's composite path computes it: tfjs ops, one float32 rounding each. */
export function compositeAdam(c: AdamCase): Float32Array[] {
  return tf.tidy(() => {
    const [x, m, v, g] = c.values.map((a) => tf.tensor(a, c.shape));
    const { lrT, beta1, beta2, epsilon } = c.attrs;
    const m1 = tf.add(tf.mul(tf.scalar(beta1), m!), tf.mul(tf.scalar(1 - beta1), g!));
    const v1 = tf.add(tf.mul(tf.scalar(beta2), v!), tf.mul(tf.scalar(1 - beta2), tf.square(g!)));
    const x1 = tf.sub(x!, tf.mul(tf.scalar(lrT), tf.div(m1, tf.add(tf.sqrt(v1), tf.scalar(epsilon)))));
    return [x1, m1, v1].map((t) => t.dataSync() as Float32Array);
  });
}

/** The update through the fused kernel of the active backend: new [variable, m, v]. */
export function fusedAdam(c: AdamCase): Float32Array[] {
  return tf.tidy(() => {
    const [variable, m, v, grad] = c.values.map((a) => tf.tensor(a, c.shape)) as tf.Tensor[];
    const out = tf
      .engine()
      .runKernel(
        APPLY_ADAM_KERNEL,
        { variable: variable!, m: m!, v: v!, grad: grad! },
        c.attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor[];
    return out.map((t) => t.dataSync() as Float32Array);
  });
}

/** Fails unless every element has the same bits (NaN, ±0 included). */
export function expectSameBits(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual.length).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const a = new Uint32Array(Float32Array.from(actual[k]!).buffer);
    const e = new Uint32Array(Float32Array.from(expected[k]!).buffer);
    expect(a.length).toBe(e.length);
    const first = a.findIndex((bits, i) => bits !== e[i]);
    if (first >= 0) expect.fail(`output ${k}[${first}]: got ${actual[k]![first]}, expected ${expected[k]![first]}`);
  }
}

/**
 * TF's adam_test.py `testBasic`: var0 [1, 2] with gradient [0.1, 0.1] and var1 [3, 4] with [0.01, 0.01], lr 0.001,
 * TF's defaults, three steps. Returns the kernel's variables after each step (the rate computed in float32 from
 * float32 beta powers, as AdamOptimizer does) and adam_test.py's `adam_update_numpy` in float64.
 */
export function tfAdamTestBasic(): { ours: number[][][]; numpy: number[][][] } {
  const lr = 0.001;
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const vars = [
    { x: [1, 2], g: [0.1, 0.1] },
    { x: [3, 4], g: [0.01, 0.01] },
  ];
  const ours: number[][][] = [];
  const numpy: number[][][] = [];
  const state = vars.map((v) => ({ x: tf.tensor1d(v.x), m: tf.zeros([2]), v: tf.zeros([2]), g: tf.tensor1d(v.g) }));
  const np = vars.map((v) => ({ x: v.x.slice(), m: [0, 0], v: [0, 0] }));
  let [p1, p2] = [f(b1), f(b2)];
  for (let t = 1; t <= 3; t++) {
    const lrT = f(f(f(lr) * f(Math.sqrt(f(1 - p2)))) / f(1 - p1));
    const attrs = { lrT, beta1: b1, beta2: b2, epsilon: eps } as unknown as tf.NamedAttrMap;
    ours.push(
      state.map((s) => {
        const [x, m, v] = tf
          .engine()
          .runKernel(APPLY_ADAM_KERNEL, { variable: s.x, m: s.m, v: s.v, grad: s.g }, attrs) as tf.Tensor[];
        tf.dispose([s.x, s.m, s.v]);
        Object.assign(s, { x, m, v });
        return Array.from(x!.dataSync());
      }),
    );
    // adam_update_numpy: lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t); m, v; param - lr_t * m / (sqrt(v) + eps).
    const npLrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    numpy.push(
      np.map((s, j) => {
        const g = vars[j]!.g;
        s.m = s.m.map((m, i) => b1 * m + (1 - b1) * g[i]!);
        s.v = s.v.map((v, i) => b2 * v + (1 - b2) * g[i]! * g[i]!);
        s.x = s.x.map((x, i) => x - (npLrT * s.m[i]!) / (Math.sqrt(s.v[i]!) + eps));
        return s.x.slice();
      }),
    );
    [p1, p2] = [f(p1 * f(b1)), f(p2 * f(b2))];
  }
  for (const s of state) tf.dispose([s.x, s.m, s.v, s.g]);
  return { ours, numpy };
}

/** TF's float32 tolerance (assertAllCloseAccordingToType): |a − b| ≤ 1e-6 + 1e-6·|b|. */
export function expectTfClose(actual: number[][][], expected: number[][][]): void {
  for (const [t, step] of expected.entries()) {
    for (const [j, values] of step.entries()) {
      for (const [i, e] of values.entries()) {
        const a = actual[t]![j]![i]!;
        expect(Math.abs(a - e), `step ${t + 1} var${j}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(
          1e-6 + 1e-6 * Math.abs(e),
        );
      }
    }
  }
}

/** Runs `steps` fused updates of a [784,256] variable and its slots as the optimizer does (assign the outputs). */
export function adamSteps(steps: number): void {
  const c = ADAM_CASES[3]!;
  const [x, m, v] = c.values.slice(0, 3).map((a) => tf.tidy(() => tf.variable(tf.tensor(a, c.shape), false)));
  const g = tf.tensor(c.values[3], c.shape);
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => {
      const out = tf
        .engine()
        .runKernel(APPLY_ADAM_KERNEL, { variable: x!, m: m!, v: v!, grad: g }, c.attrs as never) as tf.Tensor[];
      x!.assign(out[0]!);
      m!.assign(out[1]!);
      v!.assign(out[2]!);
    });
  }
  tf.dispose([x!, m!, v!, g]);
}
