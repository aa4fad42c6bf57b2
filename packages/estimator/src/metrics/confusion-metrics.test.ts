import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { metrics } from './index.js';
import { once, streamed } from './stream.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

// Expected values below are TF's own, from tensorflow/python/kernel_tests/metrics_test.py (TF 1.x) unless a
// comment derives them by hand.

const BOOL_LABELS = [
  [0, 1, 0, 1, 0],
  [0, 0, 1, 1, 1],
  [1, 1, 1, 1, 0],
  [0, 0, 0, 0, 1],
];
const BOOL_PREDICTIONS = [
  [0, 0, 1, 1, 0],
  [1, 1, 1, 1, 1],
  [0, 1, 0, 1, 0],
  [1, 1, 1, 1, 1],
];
const ROW_WEIGHTS = [1, 1.5, 2, 2.5];

describe('truePositives, falsePositives, trueNegatives, falseNegatives (TF: *Test.testUnweighted/testWeighted)', () => {
  const cases = [
    ['truePositives', 7, 12],
    ['falsePositives', 7, 14],
    ['trueNegatives', 3, 4],
    ['falseNegatives', 3, 5],
  ] as const;
  for (const [name, unweighted, weighted] of cases) {
    it(`${name}: ${unweighted} unweighted, ${weighted} with [batch] weights`, () => {
      const l = () => tf.tensor2d(BOOL_LABELS);
      const p = () => tf.tensor2d(BOOL_PREDICTIONS);
      expect(once(() => metrics[name](l(), p()))).toEqual([unweighted]);
      expect(once(() => metrics[name](l(), p(), { weights: tf.tensor1d(ROW_WEIGHTS) }))).toEqual([weighted]);
      // Streamed over two batches of two rows, the counts add up.
      const half = (rows: number[]) => () =>
        metrics[name](
          tf.tensor2d(rows.map((r) => BOOL_LABELS[r]!)),
          tf.tensor2d(rows.map((r) => BOOL_PREDICTIONS[r]!)),
          {
            weights: tf.tensor1d(rows.map((r) => ROW_WEIGHTS[r]!)),
          },
        );
      expect(streamed([half([0, 1]), half([2, 3])])).toEqual([weighted]);
    });
  }
  it('is 0 before any data, as TF', () => {
    expect(metrics.truePositives(tf.zeros([1]), tf.zeros([1])).result({})).toBe(0);
  });
});

const PROBS = [
  [0.9, 0.2, 0.8, 0.1],
  [0.2, 0.9, 0.7, 0.6],
  [0.1, 0.2, 0.4, 0.3],
];
const PROB_LABELS = [
  [0, 1, 1, 0],
  [1, 0, 0, 0],
  [0, 0, 0, 0],
];
const TH = [0.15, 0.5, 0.85];

describe('*AtThresholds counts (TF: *AtThresholdsTest)', () => {
  const run = (fn: 'truePositivesAtThresholds', weights?: tf.Tensor | number) =>
    once(() => metrics[fn](tf.tensor2d(PROB_LABELS), tf.tensor2d(PROBS), TH, weights === undefined ? {} : { weights }));
  it('truePositivesAtThresholds: (3, 1, 0); scalar weight 37 → (111, 37, 0)', () => {
    expect(run('truePositivesAtThresholds')).toEqual([3, 1, 0]);
    expect(run('truePositivesAtThresholds', 37)).toEqual([111, 37, 0]);
  });
  it('falsePositivesAtThresholds: (7, 4, 2); element weights → (125, 42, 12)', () => {
    const fp = (w?: tf.Tensor) =>
      once(() =>
        metrics.falsePositivesAtThresholds(tf.tensor2d(PROB_LABELS), tf.tensor2d(PROBS), TH, w ? { weights: w } : {}),
      );
    expect(fp()).toEqual([7, 4, 2]);
    expect(
      fp(
        tf.tensor2d([
          [1, 2, 3, 5],
          [7, 11, 13, 17],
          [19, 23, 29, 31],
        ]),
      ),
    ).toEqual([125, 42, 12]);
  });
  it('trueNegativesAtThresholds: (2, 5, 7); [1, 4] weights broadcast over rows → (5, 15, 23)', () => {
    const tn = (w?: tf.Tensor) =>
      once(() =>
        metrics.trueNegativesAtThresholds(tf.tensor2d(PROB_LABELS), tf.tensor2d(PROBS), TH, w ? { weights: w } : {}),
      );
    expect(tn()).toEqual([2, 5, 7]);
    expect(tn(tf.tensor2d([[0, 2, 3, 5]]))).toEqual([5, 15, 23]);
  });
  it('falseNegativesAtThresholds: (0, 2, 3); [3, 1] weights broadcast over columns → (0, 8, 11)', () => {
    const fn = (w?: tf.Tensor) =>
      once(() =>
        metrics.falseNegativesAtThresholds(tf.tensor2d(PROB_LABELS), tf.tensor2d(PROBS), TH, w ? { weights: w } : {}),
      );
    expect(fn()).toEqual([0, 2, 3]);
    expect(fn(tf.tensor2d([[3], [5], [7]]))).toEqual([0, 8, 11]);
  });
  it('refuses bad thresholds and non-probabilities in one line', () => {
    expect(() => metrics.truePositivesAtThresholds(tf.zeros([2]), tf.zeros([2]), [])).toThrow(
      /metrics.truePositivesAtThresholds\(\): thresholds must be a non-empty array of numbers.*Received \[\]/,
    );
    expect(() => metrics.recallAtThresholds(tf.zeros([2]), tf.tensor1d([0.5, 3]), [0.5])).toThrow(
      /predictions must be probabilities in \[0, 1\].*Received 3 at flat position 1/,
    );
  });
});

describe('precisionAtThresholds and recallAtThresholds (TF: PrecisionRecallThresholdsTest)', () => {
  const pr = (l: number[][], p: number[][], th: number[], weights?: tf.Tensor) => {
    const opts = weights ? { weights } : {};
    return [
      once(() => metrics.precisionAtThresholds(tf.tensor2d(l), tf.tensor2d(p), th, opts)),
      once(() => metrics.recallAtThresholds(tf.tensor2d(l), tf.tensor2d(p), th, opts)),
    ];
  };
  it('all correct gives exactly 1 (TF computes tp / (1e-7 + tp + fp) in float32)', () => {
    const inputs = Array.from({ length: 100 }, (_, i) => [(i * 7) % 3 === 0 ? 1 : 0]);
    expect(pr(inputs, inputs, [0.5])).toEqual([[1], [1]]);
  });
  it('some correct: 0.5 and 0.5; all incorrect: 0 and 0', () => {
    const [p, r] = pr([[0, 1, 1, 0]], [[1, 0, 1, 0]], [0.5]);
    expect(p![0]).toBeCloseTo(0.5, 6);
    expect(r![0]).toBeCloseTo(0.5, 6);
    const inputs = Array.from({ length: 100 }, (_, i) => [i % 2]);
    expect(
      pr(
        inputs.map(([v]) => [1 - v!]),
        inputs,
        [0.5],
      ),
    ).toEqual([[0], [0]]);
  });
  it('weights [[0], [1]] and [[0, 0], [1, 1]]: (1, 0) for thresholds (0.5, 1.1)', () => {
    for (const w of [
      tf.tensor2d([[0], [1]]),
      tf.tensor2d([
        [0, 0],
        [1, 1],
      ]),
    ]) {
      const [p, r] = pr(
        [
          [0, 1],
          [1, 0],
        ],
        [
          [1, 0],
          [1, 0],
        ],
        [0.5, 1.1],
        w,
      );
      expect(p![0]).toBeCloseTo(1, 5);
      expect(p![1]).toBeCloseTo(0, 5);
      expect(r![0]).toBeCloseTo(1, 5);
      expect(r![1]).toBeCloseTo(0, 5);
      w.dispose();
    }
  });
  it('extreme thresholds [-1, 2]: precision (0.75, 0), recall (1, 0); zero labels and predictions: 0', () => {
    const [p, r] = pr([[0, 1, 1, 1]], [[1, 0, 1, 0]], [-1, 2]);
    expect(p![0]).toBeCloseTo(0.75, 6);
    expect(p![1]).toBe(0);
    expect(r![0]).toBeCloseTo(1, 6);
    expect(r![1]).toBe(0);
    expect(pr([[0, 0, 0, 0]], [[0, 0, 0, 0]], [0.5])).toEqual([[0], [0]]);
  });
  it('streams over batches to the counts of the whole set (TF: testWithMultipleUpdates, by hand)', () => {
    let s = 7;
    const rand = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    const labels = Array.from({ length: 200 }, () => (rand() < 0.5 ? 1 : 0));
    const preds = labels.map((l) => Math.fround(Math.min(1, Math.max(0, 0.4 + 0.2 * l + (rand() - 0.5) * 0.6))));
    let tp = 0;
    let fp = 0;
    let fn = 0;
    labels.forEach((l, i) => {
      if (preds[i]! > Math.fround(0.3)) l ? tp++ : fp++;
      else if (l) fn++;
    });
    const batch = (i: number, f: 'precisionAtThresholds' | 'recallAtThresholds') => () =>
      metrics[f](tf.tensor1d(labels.slice(i, i + 20)), tf.tensor1d(preds.slice(i, i + 20)), [0.3]);
    const starts = Array.from({ length: 10 }, (_, i) => i * 20);
    expect(streamed(starts.map((i) => batch(i, 'precisionAtThresholds')))[0]).toBeCloseTo(tp / (tp + fp), 6);
    expect(streamed(starts.map((i) => batch(i, 'recallAtThresholds')))[0]).toBeCloseTo(tp / (tp + fn), 6);
  });
});

describe('sensitivityAtSpecificity and specificityAtSensitivity (TF: *Test)', () => {
  const P1 = [0.0, 0.1, 0.2, 0.3, 0.4, 0.1, 0.45, 0.5, 0.8, 0.9];
  const P2 = [0.0, 0.1, 0.2, 0.3, 0.4, 0.01, 0.02, 0.25, 0.26, 0.26];
  const L = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
  const W = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const sens = (p: number[], spec: number, weights?: number[]) =>
    once(() =>
      metrics.sensitivityAtSpecificity(
        tf.tensor1d(L),
        tf.tensor1d(p),
        spec,
        weights ? { weights: tf.tensor1d(weights) } : {},
      ),
    )[0]!;
  const spec = (p: number[], sensitivity: number, weights?: number[] | number) =>
    once(() =>
      metrics.specificityAtSensitivity(tf.tensor1d(L), tf.tensor1d(p), sensitivity, {
        ...(weights === undefined ? {} : { weights: typeof weights === 'number' ? weights : tf.tensor1d(weights) }),
      }),
    )[0]!;
  it('all correct: 1', () => {
    const x = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const s = once(() => metrics.sensitivityAtSpecificity(tf.tensor1d(x), tf.tensor1d(x), 0.7))[0]!;
    expect(s).toBeCloseTo(1, 6);
    expect(once(() => metrics.specificityAtSensitivity(tf.tensor1d(x), tf.tensor1d(x), 0.7))[0]).toBe(1);
  });
  it('sensitivityAtSpecificity: 0.8 at high specificity, 0.6 at low, 0.675 weighted', () => {
    expect(sens(P1, 0.8)).toBeCloseTo(0.8, 6);
    expect(sens(P2, 0.4)).toBeCloseTo(0.6, 6);
    expect(sens(P2, 0.4, W)).toBeCloseTo(0.675, 6);
  });
  it('specificityAtSensitivity: 1.0 at high sensitivity, 0.6 at low, 0.6 with weight [3], 8/15 weighted', () => {
    const P3 = [0.1, 0.2, 0.4, 0.3, 0.0, 0.1, 0.45, 0.5, 0.8, 0.9];
    const P4 = [0.1, 0.2, 0.4, 0.3, 0.0, 0.1, 0.2, 0.2, 0.26, 0.26];
    expect(spec(P3, 0.8)).toBeCloseTo(1, 6);
    expect(spec(P4, 0.4)).toBeCloseTo(0.6, 6);
    expect(spec(P4, 0.4, 3)).toBeCloseTo(0.6, 6);
    expect(spec(P4, 0.4, W)).toBeCloseTo(8 / 15, 6);
  });
  it('refuses a rate outside [0, 1]', () => {
    expect(() => metrics.sensitivityAtSpecificity(tf.zeros([2]), tf.zeros([2]), 1.5)).toThrow(
      /metrics.sensitivityAtSpecificity\(\): specificity must be a number in \[0, 1\]. Received 1.5/,
    );
    expect(() => metrics.specificityAtSensitivity(tf.zeros([2]), tf.zeros([2]), 0.5, { numThresholds: 1 })).toThrow(
      /numThresholds must be an integer >= 2/,
    );
  });
});

describe('auc summation methods (TF: AUCTest and its documented special cases)', () => {
  const auc = (p: number[], l: number[], opts: Parameters<typeof metrics.auc>[2] = {}) =>
    once(() => metrics.auc(tf.tensor2d([l]), tf.tensor2d([p]), opts))[0]!;
  it('ROC: 0.5 for [1,0,1,0] vs [0,1,1,0], 0.5 with weight [2], 0.7 with weights [1,2,3,4]', () => {
    expect(auc([1, 0, 1, 0], [0, 1, 1, 0])).toBeCloseTo(0.5, 5);
    expect(auc([1, 0, 1, 0], [0, 1, 1, 0], { weights: tf.tensor2d([[2]]) })).toBeCloseTo(0.5, 5);
    expect(auc([1, 0, 1, 0], [0, 1, 1, 0], { weights: tf.tensor2d([[1, 2, 3, 4]]) })).toBeCloseTo(0.7, 5);
    expect(auc([0, 0, 0, 0], [0, 0, 0, 0])).toBeCloseTo(1, 6);
    expect(auc([1, 1, 1, 1], [1, 1, 1, 1], { curve: 'PR' })).toBeCloseTo(1, 6);
  });
  it('manual thresholds split what the default ones do not: 0.875 by default, 0.75 with thresholds', () => {
    const p = [0.12, 0.3001, 0.3003, 0.72];
    const l = [0, 1, 0, 1];
    expect(auc(p, l)).toBeCloseTo(0.875, 3);
    expect(auc(p, l, { thresholds: [0.0, 0.2, 0.3002, 0.6, 1.0] })).toBeCloseTo(0.75, 3);
  });
  it('PR careful_interpolation: 1 - ln(1.5)/2, (2.5 - 2 ln(4/3) - ln(7/5)/4)/3, 1 - ln(4/3)/3', () => {
    const careful = { curve: 'PR', summationMethod: 'careful_interpolation' } as const;
    expect(Math.abs(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], careful) - (1 - Math.log(1.5) / 2))).toBeLessThan(1e-3);
    const p7 = [0.1, 0.4, 0.35, 0.8, 0.1, 0.135, 0.81];
    const l7 = [0, 0, 1, 0, 1, 0, 1];
    const want7 = (2.5 - 2 * Math.log(4 / 3) - 0.25 * Math.log(7 / 5)) / 3;
    expect(Math.abs(auc(p7, l7, careful) - want7)).toBeLessThan(1e-3);
    const p3 = [0.0, 0.1, 0.2, 0.33, 0.3, 0.4, 0.5];
    const l3 = [0, 0, 0, 0, 1, 1, 1];
    expect(Math.abs(auc(p3, l3, careful) - (1 - Math.log(4 / 3) / 3))).toBeLessThan(1e-3);
  });
  it('PR trapezoidal: 0.79166, 0.610317, 0.90277', () => {
    const trap = { curve: 'PR', summationMethod: 'trapezoidal' } as const;
    expect(Math.abs(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], trap) - 0.79166)).toBeLessThan(1e-3);
    expect(Math.abs(auc([0.1, 0.4, 0.35, 0.8, 0.1, 0.135, 0.81], [0, 0, 1, 0, 1, 0, 1], trap) - 0.610317)).toBeLessThan(
      1e-3,
    );
    expect(Math.abs(auc([0.0, 0.1, 0.2, 0.33, 0.3, 0.4, 0.5], [0, 0, 0, 0, 1, 1, 1], trap) - 0.90277)).toBeLessThan(
      1e-3,
    );
  });
  it('ROC minoring and majoring bound the area (3 thresholds, by hand: heights min/max of the recalls)', () => {
    // TF's keras AUC test data with numThresholds 3 (thresholds -1e-7, 0.5, 1+1e-7), weights 1..4:
    // tp = [7, 4, 0], fp = [3, 0, 0], fn = [0, 3, 7], tn = [0, 3, 3]; recall = [1, 4/7, 0], fp rate = [1, 0, 0].
    const p = [0, 0.5, 0.3, 0.9];
    const l = [0, 0, 1, 1];
    const weights = tf.tensor1d([1, 2, 3, 4]);
    const common = { numThresholds: 3, weights };
    expect(auc(p, l, { ...common, summationMethod: 'majoring' })).toBeCloseTo(1, 5);
    expect(auc(p, l, { ...common, summationMethod: 'minoring' })).toBeCloseTo(4 / 7, 5);
    expect(auc(p, l, { ...common, summationMethod: 'trapezoidal' })).toBeCloseTo((1 + 4 / 7) / 2, 5);
    weights.dispose();
  });
});

describe('confusion metrics leave nothing behind', () => {
  it('building, streaming and disposing every op leaks no tensor', async () => {
    const l = tf.tensor2d(PROB_LABELS);
    const p = tf.tensor2d(PROBS);
    const w = tf.tensor2d([[3], [5], [7]]);
    await expectNoLeaks(() =>
      streamed([
        () => [
          metrics.truePositives(l, tf.greater(p, 0.5), { weights: w }),
          metrics.trueNegatives(l, tf.greater(p, 0.5)),
          ...metrics.falseNegativesAtThresholds(l, p, TH, { weights: w }),
          ...metrics.precisionAtThresholds(l, p, TH),
          metrics.sensitivityAtSpecificity(l, p, 0.5, { weights: w }),
          metrics.specificityAtSensitivity(l, p, 0.5),
          metrics.auc(l, p, { thresholds: [0.3, 0.6] }),
        ],
      ]),
    );
    tf.dispose([l, p, w]);
  });
});
