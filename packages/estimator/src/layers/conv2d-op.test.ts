import { describeBackends, expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { withTape } from '../internal/train-step.js';
import { conv2d } from './conv2d.js';
import { layerHarness } from './layer-context.test-util.js';

// While a tape records, conv2d() runs as one custom-gradient op (internal/conv2d-op.ts). The reference is the
// layer's math written with tfjs' own ops (Conv2D, Add, Relu) and differentiated by tfjs' registered gradients:
// values and gradients must be the same bits on every backend, for relu and linear, with and without a bias, for
// strides, both paddings and dilation, as the first layer (over the features) and as a later one (whose input
// gradient flows back into the first). cpu only: stock tfjs-backend-wasm has no Conv2DBackpropFilter, so no conv
// trains there; packages/integration-tests/src/conv2d-layer checks wasm (with @estimatorjs/backends) and native.
describeBackends(
  'conv2d() in a training step',
  { describe, beforeAll },
  () => {
    const x = () => tf.randomNormal([3, 9, 8, 2], 0, 1, 'float32', 21) as tf.Tensor4D;

    const cases = [
      { activation: 'relu', useBias: true, strides: 1, padding: 'same', dilationRate: 1 },
      { activation: 'relu', useBias: false, strides: 2, padding: 'valid', dilationRate: 1 },
      { activation: 'linear', useBias: true, strides: 2, padding: 'same', dilationRate: 1 },
      { activation: undefined, useBias: false, strides: 1, padding: 'valid', dilationRate: 1 },
      { activation: 'relu', useBias: true, strides: 1, padding: 'same', dilationRate: 2 },
    ] as const;

    for (const c of cases) {
      it(`two layers, ${JSON.stringify(c)}: loss and every gradient bit-identical to tfjs' ops`, async () => {
        const h = layerHarness(3);
        const xs = x();
        const opts = { ...c, activation: c.activation };
        let weights: tf.Tensor[] = [];
        const layers = () => {
          const h1 = conv2d(xs, 4, 3, { ...opts, name: 'c1' });
          const y = conv2d(h1, 5, 2, { ...opts, name: 'c2' });
          if (weights.length === 0) {
            weights = [tf.randomNormal(h1.shape, 0, 1, 'float32', 22), tf.randomNormal(y.shape, 0, 1, 'float32', 23)];
          }
          return tf.add(tf.sum(tf.mul(h1, weights[0]!)), tf.sum(tf.mul(y, weights[1]!))) as tf.Scalar;
        };
        tf.dispose(h.call(layers)); // creates the variables (no tape: the plain path)
        const fused = h.call(() => tf.variableGrads(layers));
        const v = (name: string) => h.store.variables.get(name)!;
        const act = (t: tf.Tensor) => (c.activation === 'relu' ? tf.relu(t) : t);
        const names = ['c1/kernel', 'c2/kernel', ...(c.useBias ? ['c1/bias', 'c2/bias'] : [])];
        const reference = tf.variableGrads(() => {
          const layer = (input: tf.Tensor4D, scope: string) => {
            // conv2d(x, k, dilation d) as the layer trains it: the zero-spread kernel at dilation 1.
            let y: tf.Tensor = tf.conv2d(
              input,
              spread(v(`${scope}/kernel`) as tf.Tensor4D, c.dilationRate),
              c.strides,
              c.padding,
            );
            if (c.useBias) y = tf.add(y, v(`${scope}/bias`));
            return act(y) as tf.Tensor4D;
          };
          const h1 = layer(xs, 'c1');
          const y = layer(h1, 'c2');
          return tf.add(tf.sum(tf.mul(h1, weights[0]!)), tf.sum(tf.mul(y, weights[1]!))) as tf.Scalar;
        }, names.map(v));
        expect(await fused.value.data()).toEqual(await reference.value.data());
        for (const name of names) {
          const got = fused.grads[v(name).name]!;
          expect(got, name).toBeDefined();
          expect(await got.data(), name).toEqual(await reference.grads[v(name).name]!.data());
        }
        tf.dispose([
          xs,
          ...weights,
          fused.value,
          reference.value,
          ...Object.values(fused.grads),
          ...Object.values(reference.grads),
        ]);
        h.dispose();
      });
    }

    it("keeps a third of the layer's outputs alive: the peak of a step is lower than with tfjs' three ops", async () => {
      const h = layerHarness(3);
      const xs = tf.randomNormal([8, 16, 16, 3], 0, 1, 'float32', 24) as tf.Tensor4D;
      const layer = () => tf.sum(conv2d(xs, 16, 3, { padding: 'same', activation: 'relu', name: 'c' })) as tf.Scalar;
      tf.dispose(h.call(layer));
      const k = h.store.variables.get('c/kernel')!;
      const b = h.store.variables.get('c/bias')!;
      const peak = async (f: () => tf.Scalar) =>
        (
          await tf.profile(() => {
            const { value, grads } = h.call(() => tf.variableGrads(f, [k, b]));
            tf.dispose([value, ...Object.values(grads)]);
          })
        ).peakBytes;
      const outputBytes = 8 * 16 * 16 * 16 * 4;
      const ours = await peak(layer);
      const tfjs = await peak(
        () => tf.sum(tf.relu(tf.add(tf.conv2d(xs, k as tf.Tensor4D, 1, 'same'), b))) as tf.Scalar,
      );
      // tfjs' ops hold Conv2D's, Add's and Relu's outputs and relu's step mask at once; the op holds its output and
      // the gradient's product.
      expect(tfjs - ours).toBeGreaterThanOrEqual(2 * outputBytes);
      tf.dispose(xs);
      h.dispose();
    });

    it("differentiates with respect to the features, inside the model_fn's own tf.grad", async () => {
      const h = layerHarness(3);
      const xs = x();
      const f = (input: tf.Tensor) => tf.sum(conv2d(input, 4, 3, { activation: 'relu', name: 'c' })) as tf.Scalar;
      tf.dispose(h.call(() => f(xs)));
      const k = h.store.variables.get('c/kernel')! as tf.Tensor4D;
      const b = h.store.variables.get('c/bias')!;
      const dx = withTape(() => h.call(() => tf.grad(f)(xs)));
      const reference = tf.grad((input: tf.Tensor) =>
        tf.sum(tf.relu(tf.add(tf.conv2d(input as tf.Tensor4D, k, 1, 'valid'), b))),
      )(xs);
      expect(await dx.data()).toEqual(await reference.data());
      tf.dispose([xs, dx, reference]);
      h.dispose();
    });

    it("skips the gradient of the features on the TRAIN step's tape: one convolution less per step", async () => {
      const h = layerHarness(3);
      const xs = x();
      const layer = () => tf.sum(conv2d(xs, 4, 3, { activation: 'relu', name: 'c' })) as tf.Scalar;
      tf.dispose(h.call(layer));
      const kernels = async (f: () => { value: tf.Tensor; grads: tf.NamedTensorMap }) =>
        (
          await tf.profile(() => {
            const { value, grads } = f();
            tf.dispose([value, ...Object.values(grads)]);
          })
        ).kernels.map((k) => k.name);
      const onTrainTape = await kernels(() =>
        withTape(() => {
          const loss = h.call(layer);
          return tf.variableGrads(() => loss);
        }),
      );
      expect(onTrainTape).not.toContain('Conv2DBackpropInput');
      expect(onTrainTape).toContain('Conv2DBackpropFilter');
      expect(await kernels(() => h.call(() => tf.variableGrads(layer)))).toContain('Conv2DBackpropInput');
      tf.dispose(xs);
      h.dispose();
    });

    it('leaks nothing: what the op saved for the backward pass is freed with the tape', async () => {
      const h = layerHarness(3);
      const xs = x();
      const layer = () => tf.sum(conv2d(xs, 4, 3, { activation: 'relu', name: 'c' })) as tf.Scalar;
      tf.dispose(h.call(layer));
      await expectNoLeaks(() => {
        const { value, grads } = h.call(() => tf.variableGrads(layer));
        tf.dispose([value, ...Object.values(grads)]);
      });
      tf.dispose(xs);
      h.dispose();
    });
  },
  ['cpu'],
);

/** The kernel with d - 1 zeros between its taps (what dilateKernel builds), written independently and differentiable. */
function spread(k: tf.Tensor4D, d: number): tf.Tensor4D {
  if (d === 1) return k;
  const [kh, kw, ci, co] = k.shape;
  const padded = tf.pad(tf.reshape(k, [kh, 1, kw, 1, ci, co]), [
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, d - 1],
    [0, 0],
    [0, 0],
  ]);
  const flat = tf.reshape(padded, [kh * d, kw * d, ci, co]);
  return tf.slice(flat, [0, 0, 0, 0], [(kh - 1) * d + 1, (kw - 1) * d + 1, ci, co]) as tf.Tensor4D;
}
