/**
 * Runs layer code inside a model_fn context without an Estimator, so tests can check a layer's math, variable
 * names and gradients directly; the Estimator-level tests check the same layers through train/evaluate.
 */

import type { Mode } from '@estimatorjs/hooks';
import * as tf from '@tensorflow/tfjs-core';
import { type ModelFnContext, runInContext } from '../model-fn-context.js';
import { VariableStore } from '../variable-store.js';

export interface LayerHarness {
  readonly store: VariableStore;
  /** Runs `fn` as one model_fn call (fresh scopes, name counters and collections; same variables). */
  call<T>(fn: () => T, mode?: Mode): T;
  dispose(): void;
}

export function layerHarness(randomSeed = 1): LayerHarness {
  const store = new VariableStore();
  let step = 0;
  return {
    store,
    call<T>(fn: () => T, mode: Mode = 'train'): T {
      const ctx: ModelFnContext = {
        store,
        mode,
        globalStep: step++,
        randomSeed,
        building: false,
        checkValues: true,
        checks: [],
        scopes: [],
        layerCounts: new Map(),
        named: new Map(),
        summaries: null,
        scopeTrace: null,
        randomOps: 0,
      };
      return runInContext(ctx, fn);
    },
    dispose: () => store.dispose(),
  };
}

/** A deterministic pseudo-random tensor with values in [-1, 1) (independent of tfjs' generators). */
export function fixedTensor(shape: number[], salt = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  let s = salt * 2654435761;
  const values = Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return ((s >>> 8) / 2 ** 24) * 2 - 1;
  });
  return tf.tensor(values, shape);
}

/**
 * Checks a layer's gradients against central differences: for the loss `sum(layer(x) · r)` (linear in every kernel
 * and in x for convolutions and pools, so differences are exact up to float rounding), compares tfjs' gradient of
 * each trainable variable and of x with `(L(v + ε) − L(v − ε)) / 2ε`, element by element.
 */
export function expectGradientsMatchDifferences(
  h: LayerHarness,
  layer: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  expectClose: (analytic: number, numeric: number, what: string) => void,
  eps = 0.25,
): void {
  const r = tf.tidy(() => fixedTensor(h.call(() => layer(x)).shape, 99));
  const loss = (input: tf.Tensor) =>
    tf.sum(
      tf.mul(
        h.call(() => layer(input)),
        r,
      ),
    ) as tf.Scalar;
  const lossValue = (input: tf.Tensor) => tf.tidy(() => loss(input).dataSync()[0]!);
  const hasVariables = [...h.store.variables.values()].some((v) => v.trainable);
  const { grads } = hasVariables ? tf.variableGrads(() => loss(x)) : { grads: {} as tf.NamedTensorMap };
  for (const [engineName, g] of Object.entries(grads)) {
    const v = [...h.store.variables.values()].find((u) => u.name === engineName)!;
    const name = h.store.logicalName(engineName);
    const analytic = g.dataSync();
    const original = v.dataSync().slice();
    for (let i = 0; i < original.length; i++) {
      const shifted = (delta: number) => {
        const copy = original.slice();
        copy[i] = copy[i]! + delta;
        tf.tidy(() => v.assign(tf.tensor(copy, v.shape)));
        return lossValue(x);
      };
      const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
      tf.tidy(() => v.assign(tf.tensor(original, v.shape)));
      expectClose(analytic[i]!, numeric, `${name}[${i}]`);
    }
  }
  tf.dispose(grads);
  const dx = tf.grad((input: tf.Tensor) => loss(input))(x);
  const analyticX = dx.dataSync();
  const xs = x.dataSync();
  for (let i = 0; i < xs.length; i++) {
    const at = (delta: number) => {
      const copy = xs.slice();
      copy[i] = copy[i]! + delta;
      const shifted = tf.tensor(copy, x.shape);
      const value = lossValue(shifted);
      shifted.dispose();
      return value;
    };
    expectClose(analyticX[i]!, (at(eps) - at(-eps)) / (2 * eps), `inputs[${i}]`);
  }
  dx.dispose();
  r.dispose();
}
