import { Dataset } from '@estimatorjs/data';
import {
  Estimator,
  GradientDescentOptimizer,
  layers,
  MemoryStorage,
  type ModelFn,
  RunConfig,
} from '@estimatorjs/estimator';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(() => setupTestBackend('cpu'));

// The first-hour mistake from issue 22: a dict dataset (features only) handed to train(). Before, it reached
// layers.dense as a dict and failed with "TypeError: Cannot read properties of undefined (reading 'NaN')".
const modelFn: ModelFn = (features, labels, mode) => {
  const y = layers.dense(features as tf.Tensor, 1);
  const loss = tf.mean(tf.square(tf.sub(y, labels as tf.Tensor))) as tf.Scalar;
  if (mode === 'eval') return { mode, loss };
  return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss) };
};

describe('a Dataset of {xs, ys} given to train() as is', () => {
  it('fails with the one-line input_fn error, not a TypeError, and leaks nothing', async () => {
    const xs = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ys = tf.tensor2d([1, 0, 1, 0], [4, 1]);
    const est = new Estimator({ modelFn, config: new RunConfig({ storage: new MemoryStorage('m') }), log: () => {} });
    let error: unknown;
    await expectNoLeaks(async () => {
      try {
        await est.train(() => Dataset.fromTensorSlices({ xs, ys }).batch(2), { steps: 1 });
      } catch (e) {
        error = e;
      }
    });
    expect(error).not.toBeInstanceOf(TypeError);
    expect((error as { code?: string }).code).toBe('INPUT_WITHOUT_LABELS');
    expect((error as Error).message).toBe(
      'Estimator.train(): the input_fn yielded features without labels (an object with keys {xs, ys}); in TRAIN and EVAL it must yield [features, labels]. For a dataset of {xs, ys} use dataset.map(({ xs, ys }) => [xs, ys]).',
    );
    // the suggested fix trains
    await est.train(
      () =>
        Dataset.fromTensorSlices({ xs, ys })
          .batch(2)
          .map(({ xs, ys }) => [xs, ys] as const),
      {
        steps: 1,
      },
    );
    est.dispose();
    tf.dispose([xs, ys]);
  });
});
