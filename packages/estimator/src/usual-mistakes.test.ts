import { isEstimatorError } from '@estimatorjs/errors';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Estimator, type ModelFn } from './estimator.js';
import { GradientDescentOptimizer, getVariable, initializers, layers, MemoryStorage, RunConfig } from './index.js';

beforeAll(() => setupTestBackend('cpu'));

/** Runs `fn` and returns what it threw (fails the test when it throws nothing). */
async function thrown(fn: () => unknown): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected an error');
}

const denseModel: ModelFn = (features, labels, mode) => {
  const y = layers.dense(features as tf.Tensor, 1, { name: 'out' });
  const loss = tf.mean(tf.square(tf.sub(y, labels as tf.Tensor))) as tf.Scalar;
  if (mode === 'eval') return { mode, loss };
  return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss) };
};

const newEstimator = (modelFn: ModelFn, log: (line: string) => void = () => {}) =>
  new Estimator({ modelFn, config: new RunConfig({ storage: new MemoryStorage('mistakes') }), log });

describe('an input_fn without labels in TRAIN and EVAL', () => {
  const featuresOnly = () =>
    async function* () {
      for (let i = 0; i < 3; i++) yield { xs: tf.ones([4, 2]), ys: tf.zeros([4, 1]) };
    };

  it('train() and evaluate() fail with one line that says to yield [features, labels], and leak nothing', async () => {
    const est = newEstimator(denseModel);
    const good = async function* () {
      yield [tf.ones([4, 2]), tf.zeros([4, 1])] as const;
    };
    await est.train(good, { steps: 1 }); // evaluate() needs a checkpoint
    await expectNoLeaks(async () => {
      for (const run of [() => est.train(featuresOnly(), { steps: 2 }), () => est.evaluate(featuresOnly())]) {
        const e = await thrown(run);
        expect(isEstimatorError(e)).toBe(true);
        expect(e.code).toBe('INPUT_WITHOUT_LABELS');
        expect(e.message).not.toContain('\n');
        expect(e.message).toMatch(/^Estimator\.(train|evaluate)\(\): the input_fn yielded features without labels/);
        expect(e.message).toContain('yield [features, labels]');
        expect(e.message).toContain('dataset.map(({ xs, ys }) => [xs, ys])');
      }
    });
    est.dispose();
  });
});

describe('layer helpers given something that is not a tensor', () => {
  const badModel =
    (make: (features: tf.Tensor) => unknown, layer: (x: never) => tf.Tensor): ModelFn =>
    (features) => {
      const y = layer(make(features as tf.Tensor) as never);
      const loss = tf.mean(y) as tf.Scalar;
      return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss) };
    };
  const input = () =>
    async function* () {
      yield [tf.ones([2, 3, 3, 1]), tf.zeros([2])] as const;
    };
  const cases: [string, ModelFn, RegExp][] = [
    [
      'a dict of features to dense()',
      badModel((f) => ({ pixels: f }), ((x: tf.Tensor) => layers.dense(x, 2)) as never),
      /^dense\(\): inputs must be a tf\.Tensor\. Received an object with keys \{pixels\}; features is a dict: pass one entry such as features\.pixels/,
    ],
    [
      'a nested plain array to dense()',
      badModel(
        () => [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        ((x: tf.Tensor) => layers.dense(x, 2)) as never,
      ),
      /^dense\(\): inputs must be a tf\.Tensor\. Received an array of length 3; a nested plain array \(3 rows of 2\) is not a tensor: wrap it with tf\.tensor2d\(rows\)\.$/,
    ],
    [
      'undefined to conv2d()',
      badModel(() => undefined, ((x: tf.Tensor) => layers.conv2d(x, 2, 3)) as never),
      /^conv2d\(\): inputs must be a tf\.Tensor\. Received undefined; pass a tf\.Tensor\.$/,
    ],
    [
      'a number[] to flatten()',
      badModel(() => [1, 2, 3], ((x: tf.Tensor) => layers.flatten(x)) as never),
      /^flatten\(\): inputs must be a tf\.Tensor\. Received an array of length 3; a plain number\[\] is not a tensor: wrap it with tf\.tensor1d/,
    ],
  ];
  it.each(cases)('%s names the layer, what it got and the fix', async (_, modelFn, message) => {
    const est = newEstimator(modelFn);
    const e = await thrown(() => est.train(input(), { steps: 1 }));
    expect(e.code).toBe('INVALID_LAYER_INPUT');
    expect(e.message).toMatch(message);
    est.dispose();
  });
});

describe('Loss for final step', () => {
  it("prints the last step's loss, computed by hand for gradient descent on (w - 3)²", async () => {
    // w starts at 0; lr 0.25: w1 = 0 - 0.25 · 2(0 - 3) = 1.5, so step 2's loss is (1.5 - 3)² = 2.25.
    const modelFn: ModelFn = (_features, labels) => {
      const w = getVariable('w', { shape: [], initializer: initializers.zeros() });
      const loss = tf.mean(tf.square(tf.sub(w, labels as tf.Tensor))) as tf.Scalar;
      return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.25 }).minimize(loss) };
    };
    const lines: string[] = [];
    const est = newEstimator(modelFn, (l) => lines.push(l));
    const input = async function* () {
      for (;;) yield [tf.zeros([1]), tf.fill([1], 3)] as const;
    };
    await est.train(input, { steps: 2 });
    // w2 = 1.5 - 0.25 · 2(1.5 - 3) = 2.25, so step 3's loss is (2.25 - 3)² = 0.5625; the kept loss tensor is freed.
    await expectNoLeaks(() => est.train(input, { steps: 1 }));
    const final = lines.filter((l) => l.startsWith('Loss for final step:'));
    expect(final).toHaveLength(2);
    expect(final[0]).toMatch(/^Loss for final step: 2\.25; training stopped at global step 2/);
    expect(final[1]).toMatch(/^Loss for final step: 0\.5625; training stopped at global step 3/);
    est.dispose();
  });
});
