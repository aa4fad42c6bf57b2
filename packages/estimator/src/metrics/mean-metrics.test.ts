import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { metrics } from './index.js';
import { once, streamed } from './stream.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

// Expected values are TF's, from tensorflow/python/kernel_tests/metrics_test.py (TF 1.x), unless computed by hand
// in the test.

/** One batch of size one per element, as TF's tests feed them through a FIFOQueue. */
const perExample = (labels: number[], predictions: number[], numClasses: number, weights?: number[]) =>
  streamed(
    labels.map(
      (l, i) => () =>
        metrics.meanPerClassAccuracy(tf.tensor2d([[l]]), tf.tensor2d([[predictions[i]!]]), numClasses, {
          ...(weights ? { weights: tf.tensor2d([[weights[i]!]]) } : {}),
        }),
    ),
  )[0]!;

describe('meanPerClassAccuracy (TF: MeanPerClassAccuracyTest)', () => {
  it('multiple updates: mean(1, 1/3, 0)', () => {
    expect(perExample([0, 1, 1, 2, 1], [0, 1, 2, 1, 0], 3)).toBeCloseTo((1 + 1 / 3 + 0) / 3, 6);
  });
  it('weighted updates: mean(2/2, 0.5/1.5)', () => {
    expect(perExample([0, 1, 1, 0, 0, 1], [0, 1, 0, 1, 0, 1], 2, [1, 0.5, 1, 0, 1, 0])).toBeCloseTo(
      (1 + 0.5 / 1.5) / 2,
      6,
    );
  });
  it('a class with no examples counts as 0: mean(1/2, 2/3, 0)', () => {
    expect(perExample([0, 1, 1, 0, 1], [0, 1, 1, 1, 0], 3)).toBeCloseTo((1 / 2 + 2 / 3 + 0) / 3, 6);
  });
  it('all correct 1, all wrong 0, some missing with weights mean(2/2, 4/6)', () => {
    expect(once(() => metrics.meanPerClassAccuracy(tf.zeros([40]), tf.zeros([40]), 1))).toEqual([1]);
    expect(once(() => metrics.meanPerClassAccuracy(tf.ones([40]), tf.zeros([40]), 2))).toEqual([0]);
    const predictions = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    const labels = [0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
    const weights = [0, 1, 1, 1, 1, 1, 1, 1, 1, 0];
    const got = once(() =>
      metrics.meanPerClassAccuracy(tf.tensor1d(labels), tf.tensor1d(predictions), 2, { weights: tf.tensor1d(weights) }),
    )[0]!;
    expect(got).toBeCloseTo((2 / 2 + 4 / 6) / 2, 6);
  });
  it('refuses labels that are not class ids, and mismatched sizes', () => {
    expect(() => metrics.meanPerClassAccuracy(tf.tensor1d([0, 3]), tf.tensor1d([0, 1]), 3)).toThrow(
      /metrics.meanPerClassAccuracy\(\): labels must be class ids in \[0, 3\). Received 3 at flat position 1/,
    );
    expect(() => metrics.meanPerClassAccuracy(tf.ones([10]), tf.ones([10]), 2, { weights: tf.zeros([9]) })).toThrow(
      /weights of shape \[9\] do not fit values of shape \[10\]/,
    );
    expect(() => metrics.meanPerClassAccuracy(tf.ones([10, 4]), tf.ones([10, 3]), 2)).toThrow(
      /same number of elements/,
    );
  });
});

describe('meanCosineDistance (TF: MeanCosineDistanceTest)', () => {
  const LABELS = [
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
  ];
  const PREDS = [
    [1, 0, 0],
    [0, 0, -1],
    [1, 0, 0],
  ];
  const run = (l: number[][], p: number[][], shape: [number, number, number], weights?: number[]) =>
    once(() =>
      metrics.meanCosineDistance(tf.tensor3d(l.flat(), shape), tf.tensor3d(p.flat(), shape), 2, {
        ...(weights ? { weights: tf.tensor3d(weights, [3, 1, 1]) } : {}),
      }),
    )[0]!;
  it('0 for identical unit vectors, 1 for the two error cases', () => {
    expect(run(LABELS, LABELS, [1, 3, 3])).toBe(0);
    expect(run(LABELS, PREDS, [3, 1, 3])).toBeCloseTo(1, 5);
    const a = [0.819031913261206, 0.567041924552012, 0.08746531232459];
    const b = [0.665139432070255, 0.739487441769973, 0.103671883216994];
    const c = [Math.SQRT1_2, Math.SQRT1_2, 0];
    const neg = (v: number[]) => v.map((x) => -x);
    expect(run([a, b, c], [a, neg(b), [c[0]!, -c[1]!, 0]], [3, 1, 3])).toBeCloseTo(1, 5);
  });
  it('weights [3, 1, 1]: 0 with (1, 0, 0), 1.5 with (0, 1, 1)', () => {
    expect(run(LABELS, PREDS, [3, 1, 3], [1, 0, 0])).toBe(0);
    expect(run(LABELS, PREDS, [3, 1, 3], [0, 1, 1])).toBe(1.5);
  });
  it('refuses a dim that is not an axis', () => {
    expect(() => metrics.meanCosineDistance(tf.zeros([2, 3]), tf.zeros([2, 3]), 2)).toThrow(
      /metrics.meanCosineDistance\(\): dim must be an axis of the labels \(an integer in \[-2, 2\)\). Received 2/,
    );
  });
});

describe('percentageBelow (TF: PcntBelowThreshTest)', () => {
  const values = () => tf.tensor2d([[2, 4, 6, 8]]);
  it('1, 0.75 and 0 below 100, 7 and 1; with weights (1, 0, 0, 1): 1, 0.5, 0', () => {
    const at = (t: number, weights?: tf.Tensor) =>
      once(() => metrics.percentageBelow(values(), t, weights ? { weights } : {}))[0];
    expect([at(100), at(7), at(1)]).toEqual([1, 0.75, 0]);
    const w = () => tf.tensor2d([[1, 0, 0, 1]]);
    expect([at(100, w()), at(7, w()), at(1, w())]).toEqual([1, 0.5, 0]);
  });
});

describe('meanTensor (element-wise streaming mean; TF: MeanTensorTest, weighted cases by hand)', () => {
  const ROWS = [
    [0, 1],
    [-4.2, 9.1],
    [6.5, 0],
    [-3.2, 4.0],
  ];
  const stream = (weights?: number[][]) =>
    streamed(
      ROWS.map(
        (r, i) => () => metrics.meanTensor(tf.tensor2d([r]), weights ? { weights: tf.tensor2d([weights[i]!]) } : {}),
      ),
    );
  const close = (got: number[], want: number[]) => {
    for (const [i, v] of want.entries()) expect(got[i]).toBeCloseTo(v, 5);
  };
  it('basic: [-0.225, 3.525] over four [1, 2] batches', () => {
    close(stream(), [-0.225, 3.525]);
  });
  it('multi-dimensional: [[[1, 2], [1, 2]], [[2, 3], [5, 6]]]', () => {
    const a = [1, 2, 1, 2, 1, 2, 1, 2];
    const b = [1, 2, 1, 2, 3, 4, 9, 10];
    const got = streamed([a, b].map((v) => () => metrics.meanTensor(tf.tensor3d(v, [2, 2, 2]))));
    expect(got).toEqual([1, 2, 1, 2, 2, 3, 5, 6]);
  });
  it('weights per batch (broadcast over the row) and per element, against the weighted means by hand', () => {
    const w1 = [[1], [0], [0], [1]];
    close(stream(w1), [(0 - 3.2) / 2, (1 + 4) / 2]);
    const w2 = [
      [0.0025, 0.3],
      [0.01123, 0],
      [0.3, 0.5],
      [0.45, 0.1],
    ];
    const hand = [0, 1].map((j) => {
      const num = ROWS.reduce((a, r, i) => a + r[j]! * w2[i]![j]!, 0);
      const den = w2.reduce((a, w) => a + w[j]!, 0);
      return num / den;
    });
    close(stream(w2), hand);
  });
  it('an element whose weights sum to 0 is 0 (TF divides with div_no_nan)', () => {
    close(
      stream([
        [1, 0],
        [1, 0],
        [0, 0],
        [0, 0],
      ]),
      [(0 - 4.2) / 2, 0],
    );
  });
});

describe('meanRelativeError (TF: MeanRelativeErrorTest)', () => {
  it('normalized by the labels: mean(|p - l| / l); normalized by zeros: 0', () => {
    const p = [2, 4, 6, 8];
    const l = [1, 3, 2, 3];
    const want = p.reduce((a, v, i) => a + Math.abs(v - l[i]!) / l[i]!, 0) / 4;
    const got = once(() => metrics.meanRelativeError(tf.tensor2d([l]), tf.tensor2d([p]), tf.tensor2d([l])))[0]!;
    expect(got).toBeCloseTo(want, 6);
    expect(once(() => metrics.meanRelativeError(tf.tensor2d([l]), tf.tensor2d([p]), tf.zeros([1, 4])))).toEqual([0]);
  });
  it('weights, and a size mismatch in one line', () => {
    const got = once(() =>
      metrics.meanRelativeError(tf.tensor1d([1, 3]), tf.tensor1d([2, 4]), tf.tensor1d([1, 3]), {
        weights: tf.tensor1d([0, 1]),
      }),
    )[0]!;
    expect(got).toBeCloseTo(1 / 3, 6);
    expect(() => metrics.meanRelativeError(tf.zeros([2]), tf.zeros([2]), tf.zeros([3]))).toThrow(
      /metrics.meanRelativeError\(\): labels \[2\], predictions \[2\] and normalizer \[3\] must have the same number of elements/,
    );
  });
});

describe('mean metrics leave nothing behind', () => {
  it('building and streaming every op leaks no tensor', async () => {
    const l = tf.tensor3d([1, 0, 0, 0, 0, 1], [2, 1, 3]);
    await expectNoLeaks(() =>
      once(() => [
        metrics.meanPerClassAccuracy(tf.tensor1d([0, 1]), tf.tensor1d([0, 0]), 2, { weights: tf.tensor1d([1, 2]) }),
        metrics.meanCosineDistance(l, l, 2, { weights: tf.ones([2, 1, 1]) }),
        metrics.percentageBelow(l, 0.5, { weights: 2 }),
        metrics.meanRelativeError(l, l, l),
        ...metrics.meanTensor(l, { weights: tf.tensor1d([1, 3]) }),
      ]),
    );
    l.dispose();
  });
});
