import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useTestWasm, wasmTestThreads } from '../kernels/kernel-parity.test-util.js';
import { useBackend } from '../use-backend.js';
import { ConformanceError, compareRuns } from './compare-runs.js';
import {
  type ReferenceModel,
  type ReferenceRun,
  type TrainReferenceOptions,
  trainReference,
} from './train-reference.js';

/** The backends this Node suite can run; webgl/webgpu run in the Chromium suite. */
const nodeBackends = ['wasm'] as const;

async function runOn(backend: string, options: TrainReferenceOptions): Promise<ReferenceRun> {
  if (backend === 'wasm') await useTestWasm();
  else await useBackend(backend);
  const before = tf.memory().numTensors;
  const run = await trainReference(options);
  expect(tf.memory().numTensors).toBe(before);
  return run;
}

describe(`conformance: 20 steps from the same seed match cpu (wasm, ${wasmTestThreads()} thread(s))`, () => {
  const cases: Array<[ReferenceModel, NonNullable<TrainReferenceOptions['optimizer']>]> = [
    ['cnn', 'momentum'],
    ['cnn', 'adam'],
    ['mlp', 'momentum'],
    ['mlp', 'rmsprop'],
  ];
  for (const backend of nodeBackends) {
    for (const [model, optimizer] of cases) {
      it(`${model} with ${optimizer} on ${backend}`, async () => {
        const cpu = await runOn('cpu', { model, optimizer });
        const other = await runOn(backend, { model, optimizer });
        expect(other.backend).toBe(backend);
        expect(cpu.losses[19]).toBeLessThan(cpu.losses[0] as number);
        compareRuns(cpu, other, { rtol: 1e-4 });
      });
    }
  }

  it('the full-size reference CNN and a 784-256-10 MLP with dropout + batch norm train on wasm', async () => {
    await useTestWasm();
    const glorot = (shape: number[]) => tf.variable(tf.randomUniform(shape, -0.05, 0.05, 'float32', 3));
    const w = {
      c1: glorot([5, 5, 1, 20]),
      c2: glorot([5, 5, 20, 40]),
      d1: glorot([7 * 7 * 40, 256]),
      d2: glorot([256, 10]),
      m1: glorot([784, 256]),
      m2: glorot([256, 10]),
      gamma: tf.variable(tf.ones([256])),
      beta: tf.variable(tf.zeros([256])),
    };
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 4);
    const y = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10);
    const cnn = () => {
      let h: tf.Tensor = tf.relu(tf.conv2d(x as tf.Tensor4D, w.c1 as tf.Tensor4D, 1, 'same'));
      h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'same');
      h = tf.relu(tf.conv2d(h as tf.Tensor4D, w.c2 as tf.Tensor4D, 1, 'same'));
      h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'same');
      h = tf.relu(tf.matMul(tf.reshape(h, [2, 7 * 7 * 40]), w.d1));
      return tf.losses.softmaxCrossEntropy(y, tf.matMul(h, w.d2)) as tf.Scalar;
    };
    const mlp = () => {
      let h = tf.matMul(tf.reshape(x, [2, 784]), w.m1);
      const { mean, variance } = tf.moments(h, 0);
      h = tf.dropout(tf.relu(tf.batchNorm(h, mean, variance, w.beta, w.gamma, 1e-3)), 0.3, undefined, 5);
      return tf.losses.softmaxCrossEntropy(y, tf.matMul(h, w.m2)) as tf.Scalar;
    };
    for (const [loss, opt] of [
      [cnn, tf.train.adam(1e-3)],
      [mlp, tf.train.adam(1e-3)],
      [mlp, tf.train.rmsprop(1e-3)],
      [mlp, tf.train.momentum(1e-2, 0.9)],
    ] as const) {
      tf.dispose(opt.minimize(loss) ?? []);
      const before = tf.memory().numTensors;
      const l = opt.minimize(loss, true) as tf.Scalar;
      expect(Number.isFinite((await l.data())[0])).toBe(true);
      l.dispose();
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
    }
    tf.dispose([x, y, ...Object.values(w)]);
  });

  it('compareRuns reports differences', () => {
    const a: ReferenceRun = { backend: 'cpu', losses: [1, 0.5], weights: { w: new Float32Array([1, 2]) } };
    const b: ReferenceRun = { backend: 'x', losses: [1, 0.6], weights: { w: new Float32Array([1, 2.1]) } };
    expect(() => compareRuns(a, b)).toThrow(ConformanceError);
    try {
      compareRuns(a, b);
    } catch (e) {
      expect((e as ConformanceError).mismatches).toHaveLength(2);
    }
    expect(() => compareRuns(a, a)).not.toThrow();
  });
});
