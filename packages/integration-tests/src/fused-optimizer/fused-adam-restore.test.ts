import { useBackend } from '@estimatorjs/backends';
import { AdamOptimizer } from '@estimatorjs/estimator';
import { APPLY_ADAM_KERNEL } from '@estimatorjs/io';
import { expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

// The fused path keeps Adam's beta powers as numbers between steps. State restored into a live optimizer (as the
// Estimator does when a newer checkpoint appears on disk) must replace them: the next step uses the restored powers.
describe('fused Adam after setWeights on a live optimizer', () => {
  it('cpu: restoring step-1 state after 3 steps, then stepping, equals 2 steps from scratch, bit for bit', async () => {
    await useBackend('cpu');
    expect(tf.getKernel(APPLY_ADAM_KERNEL, 'cpu')).toBeDefined();
    const grad = (k: number) => tf.tidy(() => tf.reshape(tf.sin(tf.mul(tf.range(1, 8), k + 0.5)), [7, 1]));
    const run = async (restore: boolean): Promise<Float32Array> => {
      const w = tf.tidy(() => tf.variable(tf.ones([7, 1]), true, `w${restore}`));
      const opt = new AdamOptimizer({ learningRate: 0.1, beta1: 0.5, beta2: 0.6 }).create(0.1);
      const step = (k: number) => {
        const g = grad(k);
        opt.applyGradients({ [w.name]: g });
        g.dispose();
      };
      step(0);
      if (restore) {
        const saved = (await opt.getWeights()).map(({ name, tensor }) => ({ name, tensor: tf.clone(tensor) }));
        const savedW = tf.clone(w);
        step(1);
        step(2);
        await opt.setWeights(saved);
        w.assign(savedW);
        tf.dispose([savedW, ...saved.map((s) => s.tensor)]);
      }
      step(1);
      const out = Float32Array.from(await w.data());
      opt.dispose();
      w.dispose();
      return out;
    };
    await expectNoLeaks(async () => {
      const fresh = await run(false);
      const restored = await run(true);
      expect(Array.from(new Uint32Array(restored.buffer))).toEqual(Array.from(new Uint32Array(fresh.buffer)));
    });
  });
});
