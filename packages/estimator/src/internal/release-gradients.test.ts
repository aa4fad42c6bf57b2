import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { releasingGradients } from './release-gradients.js';
import { withTape } from './train-step.js';

beforeAll(() => setupTestBackend('cpu'));

/**
 * A small network with a fan-out (h feeds two branches), reshapes (views), a gradient passed through unchanged for
 * two inputs at once (a custom op), and a probe early in the forward pass, hence late in the backward pass (after
 * both branches), that records how many tensors are alive when the backward pass reaches it.
 */
function lossAndGrads(w: tf.Variable, b: tf.Variable, x: tf.Tensor, release: boolean) {
  let aliveAtEnd = 0;
  const probe = tf.customGrad(((t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    return {
      value: tf.clone(t),
      gradFunc: (dy: tf.Tensor) => {
        aliveAtEnd = tf.memory().numTensors;
        return dy;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const twoWay = tf.customGrad(((a: tf.Tensor, c: tf.Tensor, save: tf.GradSaveFunc) => {
    save([]);
    // The same dy object for both inputs.
    return { value: tf.add(a, c), gradFunc: (dy: tf.Tensor) => [dy, dy] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return tf.tidy(() => {
    let out: { grads: tf.NamedTensorMap; loss: tf.Tensor } | undefined;
    withTape(() => {
      const h = tf.relu(tf.add(probe(tf.matMul(x, w)) as tf.Tensor, b));
      let left = h;
      let right = tf.reshape(h, [-1]);
      for (let i = 0; i < 6; i++) {
        left = tf.tanh(tf.mul(left, 1.5));
        right = tf.sigmoid(tf.add(right, 0.25));
      }
      const joined = twoWay(tf.reshape(left, [-1]), right) as tf.Tensor;
      const loss = tf.mean(tf.square(joined)) as tf.Scalar;
      const run = () => tf.variableGrads(() => loss, [w, b]);
      const { grads } = release ? releasingGradients(run) : run();
      out = { grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.keep(g)])), loss: tf.keep(loss) };
    });
    return { ...out!, aliveAtEnd };
  });
}

describe('releasingGradients', () => {
  const x = () =>
    tf.tensor2d(
      [...Array(24)].map((_, i) => Math.sin(i)),
      [6, 4],
    );

  it('gives the same gradients bit for bit, frees intermediate gradients during the pass, and leaks nothing', async () => {
    const w = tf.variable(
      tf.tensor2d(
        [...Array(12)].map((_, i) => Math.cos(i) / 2),
        [4, 3],
      ),
      true,
      'rg_w',
    );
    const b = tf.variable(tf.tensor1d([0.1, -0.2, 0.3]), true, 'rg_b');
    const input = x();
    const plain = lossAndGrads(w, b, input, false);
    await expectNoLeaks(() => {
      const released = lossAndGrads(w, b, input, true);
      for (const k of Object.keys(plain.grads)) {
        expect(released.grads[k]!.dataSync()).toEqual(plain.grads[k]!.dataSync());
      }
      // Fourteen element-wise ops per branch leave one gradient each behind without releasing.
      expect(released.aliveAtEnd).toBeLessThan(plain.aliveAtEnd - 10);
      tf.dispose([...Object.values(released.grads), released.loss]);
    });
    tf.dispose([...Object.values(plain.grads), plain.loss, w, b, input]);
  });

  it('restores the tape nodes afterwards, also when the pass throws', () => {
    const w = tf.variable(tf.ones([4, 3]), true, 'rg_w2');
    const input = x();
    withTape(() => {
      const y = tf.sum(tf.matMul(input, w));
      const tape = (tf.engine() as unknown as { state: { activeTape: { gradient?: unknown }[] } }).state.activeTape;
      const before = tape.map((n) => n.gradient);
      expect(() =>
        releasingGradients(() => {
          throw new Error('boom');
        }),
      ).toThrow('boom');
      expect(tape.map((n) => n.gradient)).toEqual(before);
      y.dispose();
    });
    tf.dispose([w, input]);
  });
});
