import { describeBackends, expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTape } from '../internal/train-step.js';
import { dense } from './dense.js';
import { dependsOnVariable } from './internal/dense-op.js';
import { layerHarness } from './layer-context.test-util.js';

// While a tape records, dense() runs as one custom-gradient op (internal/dense-op.ts). The reference is the layer's
// math written with tfjs' own ops and differentiated by tfjs' registered gradients: values and gradients must be the
// same bits on every backend, for relu and linear, with and without a bias, as the first layer (over the features)
// and as a later one (whose input gradient flows back into the first).
describeBackends('dense() in a training step', { describe, beforeAll }, () => {
  const x = () => tf.randomNormal([33, 19], 0, 1, 'float32', 11) as tf.Tensor2D;
  const r1 = () => tf.randomNormal([33, 13], 0, 1, 'float32', 12);
  const r2 = () => tf.randomNormal([33, 5], 0, 1, 'float32', 13);

  for (const activation of ['relu', 'linear'] as const) {
    for (const useBias of [true, false]) {
      it(`two layers, ${activation}, bias ${useBias}: loss and every gradient bit-identical to tfjs' ops`, async () => {
        const h = layerHarness(3);
        const [xs, a, b] = [x(), r1(), r2()];
        const layers = () => {
          const h1 = dense(xs, 13, { activation, useBias, name: 'd1' });
          const y = dense(h1, 5, { activation, useBias, name: 'd2' });
          return tf.add(tf.sum(tf.mul(h1, a)), tf.sum(tf.mul(y, b))) as tf.Scalar;
        };
        tf.dispose(h.call(layers)); // creates the variables (no tape: the plain path)
        const fused = h.call(() => tf.variableGrads(layers));
        const v = (name: string) => h.store.variables.get(name)!;
        const act = (t: tf.Tensor) => (activation === 'relu' ? tf.relu(t) : t);
        const names = ['d1/kernel', 'd2/kernel', ...(useBias ? ['d1/bias', 'd2/bias'] : [])];
        const reference = tf.variableGrads(() => {
          let h1: tf.Tensor = tf.matMul(xs, v('d1/kernel'));
          if (useBias) h1 = tf.add(h1, v('d1/bias'));
          h1 = act(h1);
          let y: tf.Tensor = tf.matMul(h1, v('d2/kernel'));
          if (useBias) y = tf.add(y, v('d2/bias'));
          y = act(y);
          return tf.add(tf.sum(tf.mul(h1, a)), tf.sum(tf.mul(y, b))) as tf.Scalar;
        }, names.map(v));
        expect(await fused.value.data()).toEqual(await reference.value.data());
        for (const name of names) {
          const got = fused.grads[v(name).name]!;
          expect(got, name).toBeDefined();
          expect(await got.data(), name).toEqual(await reference.grads[v(name).name]!.data());
        }
        tf.dispose([
          xs,
          a,
          b,
          fused.value,
          reference.value,
          ...Object.values(fused.grads),
          ...Object.values(reference.grads),
        ]);
        h.dispose();
      });
    }
  }

  it('computes no gradient for an input made only from constants: one matmul less per step', async () => {
    const h = layerHarness(3);
    const [xs, a] = [x(), r1()];
    // tf.mul(xs, 2) is taped but depends on no variable, like features preprocessed in a model_fn.
    const layer = () => tf.sum(tf.mul(dense(tf.mul(xs, 2), 13, { activation: 'relu', name: 'd' }), a)) as tf.Scalar;
    tf.dispose(h.call(layer));
    // As the TRAIN step runs it: the model_fn on the step's tape, then its variables' gradients.
    const onTrainTape = () =>
      withTape(() => {
        const loss = h.call(layer);
        return tf.variableGrads(() => loss);
      });
    const matmuls = async (f: () => { value: tf.Tensor; grads: tf.NamedTensorMap }) =>
      (
        await tf.profile(() => {
          const { value, grads } = f();
          tf.dispose([value, ...Object.values(grads)]);
        })
      ).kernels.filter((k) => k.name === 'BatchMatMul' || k.name === '_FusedMatMul').length;
    // One forward matmul and the kernel's gradient; not the input's.
    expect(await matmuls(onTrainTape)).toBe(2);
    // On a tape of the caller's own, any tensor may be differentiated: the input's gradient is computed.
    expect(await matmuls(() => h.call(() => tf.variableGrads(layer)))).toBe(3);
    tf.dispose([xs, a]);
    h.dispose();
  });

  it("differentiates with respect to the features too, inside the model_fn's own tf.grad", async () => {
    const h = layerHarness(3);
    const [xs, a] = [x(), r1()];
    const f = (input: tf.Tensor) => tf.sum(tf.mul(dense(input, 13, { activation: 'relu', name: 'd' }), a)) as tf.Scalar;
    tf.dispose(h.call(() => f(xs))); // creates the variable
    const kernel = h.store.variables.get('d/kernel')!;
    const bias = h.store.variables.get('d/bias')!;
    const dx = withTape(() => h.call(() => tf.grad(f)(xs)));
    const reference = tf.grad((input: tf.Tensor) =>
      tf.sum(tf.mul(tf.relu(tf.add(tf.matMul(input as tf.Tensor2D, kernel as tf.Tensor2D), bias)), a)),
    )(xs);
    expect(await dx.data()).toEqual(await reference.data());
    tf.dispose([xs, a, dx, reference]);
    h.dispose();
  });

  it('leaks nothing: what the op saved for the backward pass is freed with the tape', async () => {
    const h = layerHarness(3);
    const [xs, a] = [x(), r1()];
    const layer = () => tf.sum(tf.mul(dense(xs, 13, { activation: 'relu', name: 'd' }), a)) as tf.Scalar;
    tf.dispose(h.call(layer));
    await expectNoLeaks(() => {
      const { value, grads } = h.call(() => tf.variableGrads(layer));
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose([xs, a]);
    h.dispose();
  });
});

describe('dependsOnVariable', () => {
  let w: tf.Variable;
  beforeAll(async () => {
    await setupTestBackend('cpu');
    w = tf.variable(tf.ones([2, 2]));
  });
  afterAll(() => w.dispose());

  it('follows the recording tape back to a variable, and only there', () => {
    const outside = tf.ones([2, 2]);
    const { value, grads } = tf.variableGrads(() => {
      const constant = tf.mul(outside, 3); // taped, from no variable
      const fromW = tf.add(tf.relu(tf.matMul(constant, w)), 1);
      expect(dependsOnVariable(outside)).toBe(false);
      expect(dependsOnVariable(constant)).toBe(false);
      expect(dependsOnVariable(fromW)).toBe(true);
      expect(dependsOnVariable(w)).toBe(true);
      return tf.sum(fromW) as tf.Scalar;
    }, [w]);
    tf.dispose([outside, value, ...Object.values(grads)]);
  });
});
