import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type AtKOptions, metrics, type SparseLabels } from './index.js';
import { once } from './stream.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

// Inputs and expected values are TF's, from tensorflow/python/kernel_tests/metrics_test.py (TF 1.x):
// SingleLabel*AtKTest, MultiLabel*AtKTest, MultiLabel2dRecallAtKTest, MultiLabel3dRecallAtKTest. TF compares
// with assertEqual, so these do too.

type Labels = () => tf.Tensor | SparseLabels;
type Nested = number | Nested[];

/** TF's `_binary_*_label_to_sparse_value`: the class ids of each indicator row, as sparse labels. */
function sparseFromIndicator(indicator: Nested[], flat1d = false): Labels {
  const rows: Array<{ at: number[]; ids: number[] }> = [];
  const walk = (x: Nested[], at: number[]): void => {
    if (typeof x[0] === 'number') {
      rows.push({ at, ids: (x as number[]).flatMap((v, c) => (v ? [c] : [])) });
      return;
    }
    for (const [i, y] of x.entries()) walk(y as Nested[], [...at, i]);
  };
  walk(indicator, []);
  const lead: number[] = [];
  for (let x: Nested = indicator; Array.isArray(x) && Array.isArray(x[0]); x = x[0]) lead.push(x.length);
  const width = Math.max(...rows.map((r) => r.ids.length));
  const indices = rows.flatMap((r) => r.ids.map((_, j) => (flat1d ? r.at : [...r.at, j])));
  const values = rows.flatMap((r) => r.ids);
  return () => ({
    indices: tf.tensor2d(indices, [indices.length, indices[0]!.length], 'int32'),
    values: tf.tensor1d(values, 'int32'),
    denseShape: flat1d ? lead : [...lead, width],
  });
}

function check(
  fn: 'precisionAtK' | 'recallAtK',
  predictions: Nested[],
  labels: Labels,
  k: number,
  expected: number,
  options: { classId?: number; weights?: Nested } = {},
) {
  const got = once(() => {
    const opts: AtKOptions = {
      ...(options.classId === undefined ? {} : { classId: options.classId }),
      ...(options.weights === undefined ? {} : { weights: tf.tensor(options.weights as number[]) }),
    };
    return metrics[fn](labels(), tf.tensor(predictions as number[]), k, opts);
  })[0]!;
  const what = `${fn} k=${k} classId=${options.classId} weights=${JSON.stringify(options.weights)}`;
  if (Number.isNaN(expected)) expect(got, what).toBeNaN();
  else expect(got, what).toBe(expected);
}

describe('single label (sparse 1-D, sparse 2-D, dense [batch], dense [batch, 1] labels agree)', () => {
  const predictions = [
    [0.1, 0.3, 0.2, 0.4],
    [0.1, 0.2, 0.3, 0.4],
  ];
  const indicator = [
    [0, 0, 0, 1],
    [0, 0, 1, 0],
  ];
  const labelSets: Labels[] = [
    sparseFromIndicator(indicator, true),
    sparseFromIndicator(indicator),
    () => tf.tensor1d([3, 2], 'int32'),
    () => tf.tensor2d([[3], [2]], [2, 1], 'int32'),
  ];
  it('precisionAtK: NaN for classes never predicted (and out of range), 1/2 for class 3 and overall', () => {
    for (const labels of labelSets) {
      for (const classId of [-1, 0, 1, 2, 4]) check('precisionAtK', predictions, labels, 1, Number.NaN, { classId });
      check('precisionAtK', predictions, labels, 1, 1 / 2, { classId: 3 });
      check('precisionAtK', predictions, labels, 1, 1 / 2);
    }
  });
  it('recallAtK: NaN without labels, 0 for class 2, 1 for class 3, 1/2 overall', () => {
    for (const labels of labelSets) {
      for (const classId of [-1, 0, 1, 4]) check('recallAtK', predictions, labels, 1, Number.NaN, { classId });
      check('recallAtK', predictions, labels, 1, 0, { classId: 2 });
      check('recallAtK', predictions, labels, 1, 1, { classId: 3 });
      check('recallAtK', predictions, labels, 1, 1 / 2);
    }
  });
  it('recallAtK with weights, for class 3 and overall', () => {
    const cases: Array<[number[], number, number]> = [
      [[0], Number.NaN, Number.NaN],
      [[1], 1, 1 / 2],
      [[2], 1, 1 / 2],
      [[0, 1], Number.NaN, 0],
      [[1, 0], 1, 1],
      [[2, 3], 2 / 2, 2 / 5],
    ];
    for (const labels of labelSets) {
      for (const [weights, class3, all] of cases) {
        check('recallAtK', predictions, labels, 1, class3, { classId: 3, weights });
        check('recallAtK', predictions, labels, 1, all, { weights });
      }
    }
  });
});

describe('multi-label precisionAtK', () => {
  const ex1 = { labels: [0, 1, 2, 3, 4], preds: [0.2, 0.1, 0.0, 0.4, 0.0, 0.5, 0.3], prec: [0, 1 / 2, 1 / 3, 2 / 4] };
  const ex2 = { labels: [0, 2, 4, 5, 6], preds: [0.3, 0.5, 0.0, 0.4, 0.0, 0.1, 0.2], prec: [0, 0, 1 / 3, 2 / 4] };
  it('per example and streamed over both: precision at k = 1…4', () => {
    for (let k = 1; k <= 4; k++) {
      for (const ex of [ex1, ex2])
        check('precisionAtK', [ex.preds], () => tf.tensor2d([ex.labels], undefined, 'int32'), k, ex.prec[k - 1]!);
      const both = () => tf.tensor2d([ex1.labels, ex2.labels], undefined, 'int32');
      check('precisionAtK', [ex1.preds, ex2.preds], both, k, (ex1.prec[k - 1]! + ex2.prec[k - 1]!) / 2);
    }
  });
  it('labels outside [0, numClasses) are ignored', () => {
    for (let k = 1; k <= 4; k++) {
      check(
        'precisionAtK',
        [ex1.preds],
        () => tf.tensor2d([[-1, 0, 1, 2, 3, 4, 7]], undefined, 'int32'),
        k,
        ex1.prec[k - 1]!,
      );
    }
  });
  it('rows with different numbers of labels: sparse, or dense padded with -1', () => {
    const predictions = [
      [0.4, 0.3, 0.2, 0.1],
      [0.1, 0.2, 0.3, 0.4],
    ];
    const expected = [(0 + 1) / 2, (0 + 1 / 2) / 2, (1 / 3 + 1 / 3) / 2, (2 / 4 + 1 / 4) / 2];
    const sparse = sparseFromIndicator([
      [0, 0, 1, 1],
      [0, 0, 0, 1],
    ]);
    const dense = () =>
      tf.tensor2d(
        [
          [2, 3],
          [3, -1],
        ],
        undefined,
        'int32',
      );
    for (let k = 1; k <= 4; k++)
      for (const labels of [sparse, dense]) check('precisionAtK', predictions, labels, k, expected[k - 1]!);
  });
});

const P2 = [
  [0.5, 0.1, 0.6, 0.3, 0.8, 0.0, 0.7, 0.2, 0.4, 0.9],
  [0.3, 0.0, 0.7, 0.2, 0.4, 0.9, 0.5, 0.8, 0.1, 0.6],
];
const IND2 = [
  [0, 0, 1, 0, 0, 0, 0, 1, 1, 0],
  [0, 1, 1, 0, 0, 1, 0, 0, 0, 0],
];
const DENSE2 = () =>
  tf.tensor2d(
    [
      [2, 7, 8],
      [1, 2, 5],
    ],
    undefined,
    'int32',
  );
/** Rows {2, 7, 8} and {1, 2, 5} with the out-of-range ids -1 and 10 added, as sparse labels of dense shape [2, 4]. */
const OUT_OF_RANGE: Labels = () => ({
  indices: tf.tensor2d([0, 0, 0, 1, 0, 2, 0, 3, 1, 0, 1, 1, 1, 2, 1, 3], [8, 2], 'int32'),
  values: tf.tensor1d([2, 7, -1, 8, 1, 2, 5, 10], 'int32'),
  denseShape: [2, 4],
});
const P3 = [P2, [P2[1]!, P2[0]!]];
const LABELS3 = sparseFromIndicator([
  IND2,
  [
    [0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
    [0, 0, 1, 0, 0, 0, 0, 0, 1, 0],
  ],
]);

describe('three labels per row, k = 5', () => {
  it('precisionAtK: NaN, 0, per class and overall (3/10), sparse or dense; out-of-range ids ignored', () => {
    for (const labels of [sparseFromIndicator(IND2), DENSE2, OUT_OF_RANGE]) {
      for (const classId of [-1, 1, 3, 8, 10]) check('precisionAtK', P2, labels, 5, Number.NaN, { classId });
      for (const classId of [0, 4, 6, 9]) check('precisionAtK', P2, labels, 5, 0, { classId });
      check('precisionAtK', P2, labels, 5, 2 / 2, { classId: 2 });
      check('precisionAtK', P2, labels, 5, 1 / 1, { classId: 5 });
      check('precisionAtK', P2, labels, 5, 0 / 1, { classId: 7 });
      check('precisionAtK', P2, labels, 5, 3 / 10);
    }
  });
  it('recallAtK: NaN, 0, per class and overall (3/6); out-of-range ids count as false negatives (3/8)', () => {
    for (const labels of [sparseFromIndicator(IND2), DENSE2]) {
      for (const classId of [0, 3, 4, 6, 9, 10]) check('recallAtK', P2, labels, 5, Number.NaN, { classId });
      check('recallAtK', P2, labels, 5, 0, { classId: 8 });
    }
    for (const labels of [sparseFromIndicator(IND2), DENSE2, OUT_OF_RANGE]) {
      check('recallAtK', P2, labels, 5, 2 / 2, { classId: 2 });
      check('recallAtK', P2, labels, 5, 1 / 1, { classId: 5 });
      check('recallAtK', P2, labels, 5, 0 / 1, { classId: 7 });
    }
    check('recallAtK', P2, sparseFromIndicator(IND2), 5, 3 / 6);
    check('recallAtK', P2, DENSE2, 5, 3 / 6);
    check('recallAtK', P2, OUT_OF_RANGE, 5, 3 / 8);
  });
});

describe('3-D predictions [2, 2, 10] with sparse labels of dense shape [2, 2, 4]', () => {
  it('precisionAtK per class and overall (7/20), and with [2, 1] and [2, 2] weights', () => {
    for (const classId of [-1, 1, 3, 8, 10]) check('precisionAtK', P3, LABELS3, 5, Number.NaN, { classId });
    for (const classId of [0, 4, 6, 9]) check('precisionAtK', P3, LABELS3, 5, 0, { classId });
    check('precisionAtK', P3, LABELS3, 5, 4 / 4, { classId: 2 });
    check('precisionAtK', P3, LABELS3, 5, 2 / 2, { classId: 5 });
    check('precisionAtK', P3, LABELS3, 5, 1 / 2, { classId: 7 });
    check('precisionAtK', P3, LABELS3, 5, 7 / 20);
    check('precisionAtK', P3, LABELS3, 5, 1, { classId: 2, weights: [[1], [0]] });
    check('precisionAtK', P3, LABELS3, 5, 1, { classId: 2, weights: [[0], [1]] });
    check('precisionAtK', P3, LABELS3, 5, 0, { classId: 7, weights: [[1], [0]] });
    check('precisionAtK', P3, LABELS3, 5, 1, { classId: 7, weights: [[0], [1]] });
    check('precisionAtK', P3, LABELS3, 5, Number.NaN, {
      classId: 7,
      weights: [
        [1, 0],
        [0, 1],
      ],
    });
    check('precisionAtK', P3, LABELS3, 5, 1 / 2, {
      classId: 7,
      weights: [
        [0, 1],
        [1, 0],
      ],
    });
  });
  it('recallAtK per class and overall (7/12), all weights 0 → NaN, and some weights 0', () => {
    for (const classId of [0, 3, 4, 6, 9, 10]) check('recallAtK', P3, LABELS3, 5, Number.NaN, { classId });
    for (const classId of [1, 8]) check('recallAtK', P3, LABELS3, 5, 0, { classId });
    check('recallAtK', P3, LABELS3, 5, 4 / 4, { classId: 2 });
    check('recallAtK', P3, LABELS3, 5, 2 / 2, { classId: 5 });
    check('recallAtK', P3, LABELS3, 5, 1 / 2, { classId: 7 });
    check('recallAtK', P3, LABELS3, 5, 7 / 12);
    for (const weights of [
      [[0], [0]],
      [
        [0, 0],
        [0, 0],
      ],
    ]) {
      for (let classId = 0; classId < 10; classId++)
        check('recallAtK', P3, LABELS3, 5, Number.NaN, { classId, weights });
      check('recallAtK', P3, LABELS3, 5, Number.NaN, { weights });
    }
    check('recallAtK', P3, LABELS3, 5, 1, { classId: 2, weights: [[1], [0]] });
    check('recallAtK', P3, LABELS3, 5, 1, { classId: 2, weights: [[0], [1]] });
    check('recallAtK', P3, LABELS3, 5, 1, { classId: 7, weights: [[0], [1]] });
    check('recallAtK', P3, LABELS3, 5, 0, { classId: 7, weights: [[1], [0]] });
    check('recallAtK', P3, LABELS3, 5, 1 / 2, {
      classId: 7,
      weights: [
        [1, 0],
        [1, 0],
      ],
    });
    check('recallAtK', P3, LABELS3, 5, Number.NaN, {
      classId: 7,
      weights: [
        [0, 1],
        [0, 1],
      ],
    });
  });
});

/** TF's `*_at_top_k` from the same tests: the top-k ids given directly (`predictions_idx`). */
function checkTop(
  fn: 'precisionAtTopK' | 'recallAtTopK',
  idx: Nested[],
  labels: Labels,
  expected: number,
  options: { classId?: number; weights?: Nested } = {},
) {
  const got = once(() =>
    metrics[fn](labels(), tf.tensor(idx as number[], undefined, 'int32'), {
      ...(options.classId === undefined ? {} : { classId: options.classId }),
      ...(options.weights === undefined ? {} : { weights: tf.tensor(options.weights as number[]) }),
    }),
  )[0]!;
  const what = `${fn} classId=${options.classId} weights=${JSON.stringify(options.weights)}`;
  if (Number.isNaN(expected)) expect(got, what).toBeNaN();
  else expect(got, what).toBe(expected);
}

describe('precisionAtTopK and recallAtTopK (TF: the same tests with predictions_idx)', () => {
  it('single label, predictions_idx [[3], [3]]', () => {
    const idx = [[3], [3]];
    for (const labels of [
      () => tf.tensor1d([3, 2], 'int32'),
      sparseFromIndicator(
        [
          [0, 0, 0, 1],
          [0, 0, 1, 0],
        ],
        true,
      ),
    ]) {
      for (const classId of [-1, 0, 1, 2, 4]) checkTop('precisionAtTopK', idx, labels, Number.NaN, { classId });
      checkTop('precisionAtTopK', idx, labels, 1 / 2, { classId: 3 });
      checkTop('precisionAtTopK', idx, labels, 1 / 2);
      checkTop('recallAtTopK', idx, labels, 0, { classId: 2 });
      checkTop('recallAtTopK', idx, labels, 1, { classId: 3 });
      checkTop('recallAtTopK', idx, labels, 2 / 5, { weights: [2, 3] });
    }
  });
  it('multi-label example 1 at k = 1…4 from predictions_idx (5, 3, 6, 0, 1)', () => {
    const prec = [0, 1 / 2, 1 / 3, 2 / 4];
    for (let k = 1; k <= 4; k++) {
      checkTop(
        'precisionAtTopK',
        [[5, 3, 6, 0, 1].slice(0, k)],
        () => tf.tensor2d([[0, 1, 2, 3, 4]], undefined, 'int32'),
        prec[k - 1]!,
      );
    }
  });
  it('three labels, k = 5, and 3-D, from predictions_idx', () => {
    const idx2 = [
      [9, 4, 6, 2, 0],
      [5, 7, 2, 9, 6],
    ];
    for (const labels of [sparseFromIndicator(IND2), DENSE2]) {
      checkTop('precisionAtTopK', idx2, labels, 3 / 10);
      checkTop('precisionAtTopK', idx2, labels, 0 / 1, { classId: 7 });
      checkTop('recallAtTopK', idx2, labels, 3 / 6);
      checkTop('recallAtTopK', idx2, labels, Number.NaN, { classId: 10 });
    }
    checkTop('recallAtTopK', idx2, OUT_OF_RANGE, 3 / 8);
    const idx3 = [idx2, [idx2[1]!, idx2[0]!]];
    checkTop('precisionAtTopK', idx3, LABELS3, 7 / 20);
    checkTop('precisionAtTopK', idx3, LABELS3, 1 / 2, {
      classId: 7,
      weights: [
        [0, 1],
        [1, 0],
      ],
    });
    checkTop('recallAtTopK', idx3, LABELS3, 7 / 12);
    checkTop('recallAtTopK', idx3, LABELS3, 1 / 2, {
      classId: 7,
      weights: [
        [1, 0],
        [1, 0],
      ],
    });
  });
  it('a repeated id in predictions_idx counts once, as in TF sets', () => {
    // Row {2, 7, 8} with ids (2, 2, 7): the set {2, 7} has 2 hits, no false positive.
    checkTop('precisionAtTopK', [[2, 2, 7]], () => tf.tensor2d([[2, 7, 8]], undefined, 'int32'), 2 / 2);
  });
  it('k, when given, must match predictions_idx', () => {
    expect(() => metrics.precisionAtTopK(tf.zeros([2]), tf.zeros([2, 3]), { k: 2 })).toThrow(
      /metrics.precisionAtTopK\(\): k must match the last dimension of predictionsIdx \(3\) or be left out. Received 2/,
    );
  });
});

describe('averagePrecisionAtK (TF: MultiLabelPrecisionAtKTest.test_average_precision*)', () => {
  const ap = (predictions: number[][], labels: Labels, k: number, weights?: number[]) =>
    once(() =>
      metrics.averagePrecisionAtK(
        labels(),
        tf.tensor2d(predictions),
        k,
        weights ? { weights: tf.tensor1d(weights) } : {},
      ),
    )[0]!;
  const ex1 = {
    labels: [0, 1, 2, 3, 4],
    preds: [0.2, 0.1, 0.0, 0.4, 0.0, 0.5, 0.3],
    ap: [0, 1 / 2 / 2, 1 / 2 / 3, (1 / 2 + 2 / 4) / 4],
  };
  const ex2 = {
    labels: [0, 2, 4, 5, 6],
    preds: [0.3, 0.5, 0.0, 0.4, 0.0, 0.1, 0.2],
    ap: [0, 0, 1 / 3 / 3, (1 / 3 + 2 / 4) / 4],
  };
  const dense = (rows: number[][]) => () => tf.tensor2d(rows, undefined, 'int32');
  it('per example, both streamed, and weighted (0.3, 0.6)', () => {
    for (let k = 1; k <= 4; k++) {
      expect(ap([ex1.preds], dense([ex1.labels]), k)).toBeCloseTo(ex1.ap[k - 1]!, 7);
      expect(ap([ex2.preds], dense([ex2.labels]), k)).toBeCloseTo(ex2.ap[k - 1]!, 7);
      const both = dense([ex1.labels, ex2.labels]);
      expect(ap([ex1.preds, ex2.preds], both, k)).toBeCloseTo((ex1.ap[k - 1]! + ex2.ap[k - 1]!) / 2, 7);
      const weighted = (0.3 * ex1.ap[k - 1]! + 0.6 * ex2.ap[k - 1]!) / 0.9;
      expect(ap([ex1.preds, ex2.preds], both, k, [0.3, 0.6])).toBeCloseTo(weighted, 6);
    }
  });
  it('ids outside [0, numClasses) are ignored', () => {
    for (let k = 1; k <= 4; k++)
      expect(ap([ex1.preds], dense([[-1, 0, 1, 2, 3, 4, 7]]), k)).toBeCloseTo(ex1.ap[k - 1]!, 7);
  });
  it('rows with different numbers of labels: sparse, or dense padded with -1', () => {
    const predictions = [
      [0.4, 0.3, 0.2, 0.1],
      [0.1, 0.2, 0.3, 0.4],
    ];
    const row0 = [0, 0, 1 / 3 / 2, (1 / 3 + 2 / 4) / 2];
    const sparse = sparseFromIndicator([
      [0, 0, 1, 1],
      [0, 0, 0, 1],
    ]);
    for (let k = 1; k <= 4; k++) {
      for (const labels of [
        sparse,
        dense([
          [2, 3],
          [3, -1],
        ]),
      ]) {
        expect(ap(predictions, labels, k)).toBeCloseTo((row0[k - 1]! + 1) / 2, 7);
      }
    }
  });
  it('is 0 before any data and refuses a bad k', () => {
    const op = metrics.averagePrecisionAtK(tf.tensor1d([0], 'int32'), tf.tensor2d([[1, 0]]), 1);
    expect(op.result({})).toBe(0);
    tf.dispose(Object.values(op.update));
    expect(() => metrics.averagePrecisionAtK(tf.zeros([2]), tf.zeros([2, 3]), 4)).toThrow(
      /metrics.averagePrecisionAtK\(\): k must be an integer in \[1, 3\]/,
    );
  });
});

describe('at-k errors and memory', () => {
  it('is NaN before any data, as TF (0 / 0)', () => {
    const op = metrics.precisionAtK(tf.tensor1d([0], 'int32'), tf.tensor2d([[1, 0]]), 1);
    expect(op.result({})).toBeNaN();
    tf.dispose(Object.values(op.update));
  });
  it('a batch without any sparse label: recall has nothing to recall (NaN), precision counts misses', () => {
    const none: Labels = () => ({
      indices: tf.zeros([0, 2], 'int32'),
      values: tf.zeros([0], 'int32'),
      denseShape: [2, 3],
    });
    check('recallAtK', P2, none, 5, Number.NaN);
    check('precisionAtK', P2, none, 5, 0);
  });
  it('explains bad labels in one line', () => {
    expect(() => metrics.precisionAtK(tf.zeros([3]), tf.zeros([4, 5]), 2)).toThrow(
      /metrics.precisionAtK\(\): labels must hold class ids of shape \[4\] or \[4, numLabels\].*Received shape \[3\]/,
    );
    expect(() =>
      metrics.recallAtK({ indices: tf.zeros([1, 1]), values: tf.zeros([1]), denseShape: [5, 2] }, tf.zeros([4, 5]), 2),
    ).toThrow(/metrics.recallAtK\(\): sparse labels must have denseShape \[4\] or \[4, maxLabels\]/);
    expect(() => metrics.recallAtK(tf.zeros([4]), tf.zeros([4, 3]), 1, { classId: 1.5 })).toThrow(
      /classId must be an integer. Received 1.5/,
    );
  });
  it('leaks no tensor', async () => {
    const labels = LABELS3() as SparseLabels;
    const predictions = tf.tensor(P3 as number[][][]);
    await expectNoLeaks(() =>
      once(() => [
        metrics.precisionAtK(labels, predictions, 5),
        metrics.averagePrecisionAtK(labels, predictions, 3, { weights: tf.tensor2d([[1], [2]]) }),
        metrics.recallAtK(labels, predictions, 5, { classId: 7, weights: tf.tensor2d([[1], [0]]) }),
        metrics.recallAtK(
          tf.tensor2d(
            [
              [1, 2, 2],
              [3, 4, -1],
            ],
            undefined,
            'int32',
          ),
          tf.tensor2d(P2),
          3,
        ),
      ]),
    );
    tf.dispose([labels.indices, labels.values, predictions]);
  });
});
