import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashedCross } from '../internal/farmhash.js';
import { combineEmbeddings } from './embedding-column.js';
import * as featureColumn from './index.js';

beforeAll(() => setupTestBackend('cpu'));

/** The ids of a categorical column for a features dict, as nested arrays (disposes everything). */
function idsOf(col: featureColumn.CategoricalColumn, features: Record<string, tf.Tensor>): number[][] {
  const { ids, weights } = col.ids(features);
  const out = ids.arraySync();
  tf.dispose([ids, weights ?? [], ...Object.values(features)]);
  return out;
}

describe('bucketizedColumn', () => {
  it("puts values in TF's documented buckets: boundaries [0, 10, 100] → -1, 0, 5, 10, 150 in 0, 1, 1, 2, 3", () => {
    const col = featureColumn.bucketizedColumn(featureColumn.numericColumn('x'), [0, 10, 100]);
    expect(col.name).toBe('x_bucketized');
    expect(col.numBuckets).toBe(4);
    expect(idsOf(col, { x: tf.tensor1d([-1, 0, 5, 10, 150]) }).flat()).toEqual([0, 1, 1, 2, 3]);
  });

  it('offsets each dimension of a [2]-shaped source by boundaries.length + 1 (as TF)', () => {
    const col = featureColumn.bucketizedColumn(featureColumn.numericColumn('p', { shape: [2] }), [0, 10]);
    expect(col.numBuckets).toBe(6);
    expect(
      idsOf(col, {
        p: tf.tensor2d([
          [-5, 5],
          [15, -1],
        ]),
      }),
    ).toEqual([
      [0, 4],
      [2, 3],
    ]);
    const dense = col.dense({ p: tf.tensor2d([[-5, 5]]) });
    expect(dense.arraySync()).toEqual([[1, 0, 0, 0, 1, 0]]);
    dense.dispose();
  });

  it('rejects unsorted boundaries', () => {
    expect(() => featureColumn.bucketizedColumn(featureColumn.numericColumn('x'), [10, 0])).toThrow(
      /strictly increasing/,
    );
  });
});

describe('categoricalColumnWithHashBucket', () => {
  it("assigns TF's buckets (tf.strings.to_hash_bucket_fast docs: Hello, TensorFlow, 2.x → 0, 2, 2)", () => {
    const col = featureColumn.categoricalColumnWithHashBucket('s', 3);
    expect(idsOf(col, { s: tf.tensor1d(['Hello', 'TensorFlow', '2.x'], 'string') }).flat()).toEqual([0, 2, 2]);
  });

  it("treats '' as no value (TF's dense-to-sparse step) and hashes integers as their decimal strings", () => {
    const col = featureColumn.categoricalColumnWithHashBucket('s', 3);
    const a = idsOf(col, { s: tf.tensor2d([['Hello', '']], [1, 2], 'string') });
    expect(a).toEqual([[0, -1]]);
    const n = featureColumn.categoricalColumnWithHashBucket('n', 1000);
    const s = featureColumn.categoricalColumnWithHashBucket('n', 1000);
    expect(idsOf(n, { n: tf.tensor1d([42], 'int32') })).toEqual(idsOf(s, { n: tf.tensor1d(['42'], 'string') }));
  });
});

describe('categoricalColumnWithVocabularyList', () => {
  it('maps values to their positions, others to -1 (absent) by default', () => {
    const col = featureColumn.categoricalColumnWithVocabularyList('c', ['red', 'green', 'blue']);
    expect(col.numBuckets).toBe(3);
    expect(idsOf(col, { c: tf.tensor1d(['blue', 'red', 'pink'], 'string') }).flat()).toEqual([2, 0, -1]);
  });

  it('hashes values outside the vocabulary into numOovBuckets after it', () => {
    const col = featureColumn.categoricalColumnWithVocabularyList('c', ['a', 'b'], { numOovBuckets: 3 });
    expect(col.numBuckets).toBe(5);
    // Fingerprint64('Hello') % 3 = 0, Fingerprint64('TensorFlow') % 3 = 2 (TF's documented buckets above).
    expect(idsOf(col, { c: tf.tensor1d(['b', 'Hello', 'TensorFlow'], 'string') }).flat()).toEqual([1, 2, 4]);
  });
});

describe('categoricalColumnWithIdentity', () => {
  it('passes ids through and names the column for a value out of range', () => {
    const col = featureColumn.categoricalColumnWithIdentity('hour', 24);
    expect(idsOf(col, { hour: tf.tensor1d([0, 23], 'int32') }).flat()).toEqual([0, 23]);
    const bad = tf.tensor1d([3, 24], 'int32');
    expect(() => col.ids({ hour: bad })).toThrow(/"hour" has value 24 at flat position 1, outside \[0, 24\)/);
    bad.dispose();
    const withDefault = featureColumn.categoricalColumnWithIdentity('hour', 24, { defaultValue: 0 });
    expect(idsOf(withDefault, { hour: tf.tensor1d([30], 'int32') }).flat()).toEqual([0]);
  });
});

describe('numericColumn', () => {
  it('reshapes, fills NaN with defaultValue and applies normalizerFn', () => {
    const col = featureColumn.numericColumn('x', {
      defaultValue: 4,
      normalizerFn: (x) => tf.div(x, 2),
    });
    const x = tf.tensor1d([2, Number.NaN]);
    const d = col.dense({ x });
    expect(d.arraySync()).toEqual([[1], [2]]);
    tf.dispose([x, d]);
  });

  it('names the missing feature and the keys the input has', () => {
    const col = featureColumn.numericColumn('age');
    const x = tf.tensor1d([1]);
    expect(() => col.dense({ agee: x })).toThrow(
      /feature "age" is not in the features; the input_fn yields keys \[agee\]/,
    );
    x.dispose();
  });
});

describe('indicatorColumn', () => {
  it('counts each id of a multivalent example (TF sums the one-hots)', () => {
    const cat = featureColumn.categoricalColumnWithVocabularyList('c', ['a', 'b', 'c']);
    const col = featureColumn.indicatorColumn(cat);
    expect(col.name).toBe('c_indicator');
    const c = tf.tensor2d(
      [
        ['a', 'c', 'a'],
        ['b', '', 'zz'],
      ],
      [2, 3],
      'string',
    );
    const d = col.dense({ c });
    expect(d.arraySync()).toEqual([
      [2, 0, 1],
      [0, 1, 0],
    ]);
    tf.dispose([c, d]);
  });
});

describe('combineEmbeddings', () => {
  it('sum, mean and sqrtn by hand, ignoring absent ids', async () => {
    await expectNoLeaks(() => {
      const table = tf.tensor2d([
        [1, 0],
        [0, 2],
        [3, 3],
      ]);
      const ids = tf.tensor2d(
        [
          [0, 2, -1],
          [-1, -1, -1],
        ],
        [2, 3],
        'int32',
      );
      const sum = combineEmbeddings(table, ids, undefined, 'sum');
      const mean = combineEmbeddings(table, ids, undefined, 'mean');
      const sqrtn = combineEmbeddings(table, ids, undefined, 'sqrtn');
      expect(sum.arraySync()).toEqual([
        [4, 3],
        [0, 0],
      ]);
      expect(mean.arraySync()).toEqual([
        [2, 1.5],
        [0, 0],
      ]);
      const r = sqrtn.arraySync();
      expect(r[0]![0]).toBeCloseTo(4 / Math.SQRT2, 5);
      expect(r[0]![1]).toBeCloseTo(3 / Math.SQRT2, 5);
      tf.dispose([table, ids, sum, mean, sqrtn]);
    });
  });
});

describe('crossedColumn', () => {
  it("hashes a cross of three string features with TF's SparseCrossHashed chain", () => {
    const col = featureColumn.crossedColumn(['a', 'b', 'c'], 1000);
    expect(col.name).toBe('a_X_b_X_c');
    const ids = idsOf(col, {
      a: tf.tensor1d(['batch1-FC1-F1'], 'string'),
      b: tf.tensor1d(['batch1-FC2-F1'], 'string'),
      c: tf.tensor1d(['batch1-FC3-F1'], 'string'),
    });
    // The hash chain of these values is checked against TF's sparse_cross_op_test in farmhash.test.ts (TF reports
    // it mod int64 max there); crossed_column takes the same 64-bit chain mod the bucket count.
    expect(ids).toEqual([[Number(hashedCross(['batch1-FC1-F1', 'batch1-FC2-F1', 'batch1-FC3-F1'], 1000))]]);
  });

  it('crosses every value combination of multivalent inputs and skips absent values', () => {
    const col = featureColumn.crossedColumn(['a', 'b'], 50);
    const ids = idsOf(col, {
      a: tf.tensor2d(
        [
          ['x', 'y'],
          ['z', ''],
        ],
        [2, 2],
        'string',
      ),
      b: tf.tensor2d([['u'], ['v']], [2, 1], 'string'),
    });
    expect(ids[0]!.every((v) => v >= 0 && v < 50)).toBe(true);
    expect(ids[1]![1]).toBe(-1);
    const single = idsOf(col, { a: tf.tensor1d(['y'], 'string'), b: tf.tensor1d(['u'], 'string') });
    expect(ids[0]![1]).toBe(single[0]![0]);
  });

  it('crosses the ids of a bucketized column', () => {
    const age = featureColumn.bucketizedColumn(featureColumn.numericColumn('age'), [18, 65]);
    const col = featureColumn.crossedColumn([age, 'city'], 100);
    expect(col.name).toBe('age_bucketized_X_city');
    const a = idsOf(col, { age: tf.tensor1d([30]), city: tf.tensor1d(['Oslo'], 'string') });
    const b = idsOf(col, { age: tf.tensor1d([40]), city: tf.tensor1d(['Oslo'], 'string') });
    expect(a).toEqual(b); // 30 and 40 share bucket 1
  });
});

describe('weightedCategoricalColumn', () => {
  it('weights the ids: an indicator sums the weights of each id (TF)', () => {
    const terms = featureColumn.categoricalColumnWithVocabularyList('term', ['a', 'b', 'c']);
    const weighted = featureColumn.weightedCategoricalColumn(terms, 'tf');
    expect(weighted.name).toBe('term_weighted_by_tf');
    const term = tf.tensor2d([['a', 'c', 'a']], [1, 3], 'string');
    const freq = tf.tensor2d([[0.5, 2, 0.25]]);
    const d = featureColumn.indicatorColumn(weighted).dense({ term, tf: freq });
    expect(d.arraySync()).toEqual([[0.75, 0, 2]]);
    tf.dispose([term, freq, d]);
  });
});

describe('inputLayer', () => {
  it('refuses a bare categorical column with the fix (wrap it in indicatorColumn or embeddingColumn)', () => {
    const color = featureColumn.categoricalColumnWithVocabularyList('color', ['red']);
    expect(() => featureColumn.inputLayer({}, [color])).toThrow(
      /column "color" is categorical; wrap it in featureColumn\.indicatorColumn\(\) or featureColumn\.embeddingColumn\(\)/,
    );
  });
});
