import { collectPlain, expectNoLeaks, nextTurn, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { DataError } from './errors.js';

beforeAll(() => setupTestBackend('cpu'));

/** Reads every element as plain JS values and disposes it. */
describe('Dataset.fromTensorSlices', () => {
  it('slices a tensor along dim 0', async () => {
    const t = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ds = Dataset.fromTensorSlices(t);
    expect(ds.size).toBe(3);
    expect(await collectPlain(ds)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    // re-iterable, and the user's tensor is never disposed
    expect(await collectPlain(ds)).toHaveLength(3);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it('slices nested objects and tuples of typed arrays and number[]', async () => {
    const ds = Dataset.fromTensorSlices({ a: new Int32Array([1, 2]), b: [[0.5, 1.5], new Float32Array([7, 8])] });
    expect(await collectPlain(ds)).toEqual([
      { a: 1, b: [0.5, 7] },
      { a: 2, b: [1.5, 8] },
    ]);
    const [first] = await (async () => {
      for await (const x of ds) {
        const dt = x.a.dtype;
        tf.dispose(x as unknown as tf.TensorContainer);
        return [dt];
      }
      return [];
    })();
    expect(first).toBe('int32');
  });

  it('yields copies: disposing an element leaves the source intact', async () => {
    const t = tf.tensor1d([1, 2, 3]);
    const ds = Dataset.fromTensorSlices(t);
    for await (const x of ds) x.dispose();
    expect(await collectPlain(ds)).toEqual([1, 2, 3]);
    t.dispose();
  });

  it('names the keys and lengths when they differ', () => {
    expect(() => Dataset.fromTensorSlices({ images: new Float32Array(3), labels: new Int32Array(2) })).toThrow(
      /images: 3, labels: 2/,
    );
    expect(() => Dataset.fromTensorSlices({ images: new Float32Array(3), labels: new Int32Array(2) })).toThrow(
      DataError,
    );
  });

  it('reads a nested plain array as a tuple of columns and, when that makes the sizes disagree, hints tf.tensor2d', () => {
    // 3 rows of 2 features: as a tuple that is 3 columns of 2 values each, beside 3 labels.
    const rows = [
      [0.1, 0.2],
      [0.3, 0.4],
      [0.5, 0.6],
    ];
    const message = (() => {
      try {
        Dataset.fromTensorSlices({ xs: rows, ys: [0, 1, 0] });
      } catch (e) {
        expect(e).toBeInstanceOf(DataError);
        expect((e as DataError).code).toBe('INVALID_ARGUMENT');
        return (e as Error).message;
      }
      return 'no error';
    })();
    expect(message).toBe(
      "Dataset.fromTensorSlices(): 'xs' is a nested plain array (3 rows of 2), read as a tuple of 3 columns, not as rows; pass tf.tensor2d(rows) in its place to slice a matrix by rows. Components differ in size along dim 0 (xs[0]: 2, xs[1]: 2, xs[2]: 2, ys: 3).",
    );
    // tuple of (rows, labels) at the top level, as in the issue
    expect(() => Dataset.fromTensorSlices([rows, [0, 1, 0]])).toThrow(
      /'\[0\]' is a nested plain array .* tf\.tensor2d/,
    );
  });

  it('rejects scalars and unknown leaves', () => {
    expect(() => Dataset.fromTensorSlices(tf.scalar(1))).toThrow(/rank >= 1/);
    expect(() => Dataset.fromTensorSlices({ x: 'abc' as unknown as number[] })).toThrow(/'x' must be/);
  });
});

describe('transformations', () => {
  const range = (n: number) => Dataset.fromTensorSlices(Float32Array.from({ length: n }, (_, i) => i));

  it('batch stacks and keeps the remainder unless dropRemainder', async () => {
    expect(await collectPlain(range(7).batch(3))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(await collectPlain(range(7).batch(3, { dropRemainder: true }))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(range(7).batch(3).size).toBe(3);
    expect(range(7).batch(3, { dropRemainder: true }).size).toBe(2);
  });

  it('batch stacks nested structures and matrices', async () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ds = Dataset.fromTensorSlices({ x, y: new Int32Array([7, 8, 9]) }).batch(2);
    const out = await collectPlain(ds);
    expect(out).toEqual([
      {
        x: [
          [1, 2],
          [3, 4],
        ],
        y: [7, 8],
      },
      { x: [[5, 6]], y: [9] },
    ]);
    x.dispose();
  });

  it('batch after map uses the stacking path', async () => {
    const ds = range(5)
      .map((v) => tf.mul(v, 2))
      .batch(2);
    expect(await collectPlain(ds)).toEqual([[0, 2], [4, 6], [8]]);
  });

  it('batch(0) and shuffle() say what they expected', () => {
    expect(() => range(3).batch(0)).toThrow(/Dataset.batch\(\): expected batchSize to be an integer >= 1. Received 0/);
    expect(() => (range(3) as unknown as { shuffle(): unknown }).shuffle()).toThrow(
      /Dataset.shuffle\(\): expected a bufferSize/,
    );
  });

  it('map runs fn and disposes inputs not passed through', async () => {
    await expectNoLeaks(async () => {
      expect(await collectPlain(range(4).map((x) => tf.add(x, 1)))).toEqual([1, 2, 3, 4]);
      expect(await collectPlain(range(2).map((x) => ({ a: x, b: tf.neg(x) })))).toEqual([
        { a: 0, b: -0 },
        { a: 1, b: -1 },
      ]);
    });
  });

  it('map accepts async functions', async () => {
    const ds = range(3).map(async (x) => {
      await nextTurn(); // really asynchronous: resumes on a later event-loop turn
      const y = tf.mul(x, 10);
      return y;
    });
    await expectNoLeaks(async () => expect(await collectPlain(ds)).toEqual([0, 10, 20]));
  });

  it('repeat, take, skip', async () => {
    expect(await collectPlain(range(3).repeat(2))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(range(3).repeat().size).toBe(Infinity);
    expect(range(3).repeat(2).size).toBe(6);
    expect(await collectPlain(range(3).repeat().take(7))).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(await collectPlain(range(5).skip(3))).toEqual([3, 4]);
    expect(range(5).take(2).size).toBe(2);
    expect(await collectPlain(range(0).repeat())).toEqual([]);
  });

  it('prefetch keeps order', async () => {
    expect(await collectPlain(range(10).prefetch(3))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('transformations never mutate their input dataset', async () => {
    const base = range(4);
    base.batch(2);
    base.take(1);
    expect(await collectPlain(base)).toEqual([0, 1, 2, 3]);
  });
});

describe('shuffle', () => {
  const range = (n: number) => Dataset.fromTensorSlices(Float32Array.from({ length: n }, (_, i) => i));

  it('yields a permutation, the same for the same seed', async () => {
    const a = (await collectPlain(range(100).shuffle(10, { seed: 7 }))) as number[];
    const b = (await collectPlain(range(100).shuffle(10, { seed: 7 }))) as number[];
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).toEqual(b);
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('a buffer of 1 keeps the order; a small buffer only moves elements locally', async () => {
    expect(await collectPlain(range(5).shuffle(1, { seed: 1 }))).toEqual([0, 1, 2, 3, 4]);
    const out = (await collectPlain(range(50).shuffle(3, { seed: 3 }))) as number[];
    // element i cannot appear before position i - (bufferSize - 1)
    out.forEach((v, pos) => {
      expect(pos).toBeGreaterThanOrEqual(v - 2);
    });
  });

  it('reshuffles each epoch by default, and not when reshuffleEachIteration is false', async () => {
    const epochs = (await collectPlain(range(20).shuffle(20, { seed: 5 }).repeat(2))) as number[];
    expect(epochs.slice(0, 20)).not.toEqual(epochs.slice(20));
    expect([...epochs.slice(20)].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const same = (await collectPlain(
      range(20).shuffle(20, { seed: 5, reshuffleEachIteration: false }).repeat(2),
    )) as number[];
    expect(same.slice(0, 20)).toEqual(same.slice(20));
  });

  it('repeat before shuffle mixes epochs; after shuffle keeps epoch boundaries', async () => {
    const after = (await collectPlain(range(10).shuffle(10, { seed: 2 }).repeat(3))) as number[];
    for (let e = 0; e < 3; e++) {
      expect([...after.slice(e * 10, e * 10 + 10)].sort((x, y) => x - y)).toEqual(
        Array.from({ length: 10 }, (_, i) => i),
      );
    }
    const before = (await collectPlain(range(10).repeat(3).shuffle(10, { seed: 2 }))) as number[];
    expect(before).toHaveLength(30);
    const firstEpochs = before.slice(0, 10);
    expect(new Set(firstEpochs).size).toBeLessThan(10); // some element appears twice before the first epoch ends
  });

  it('each new iteration of the dataset draws a new order', async () => {
    const ds = range(30).shuffle(30, { seed: 9 });
    expect(await collectPlain(ds)).not.toEqual(await collectPlain(ds));
  });
});

describe('memory', () => {
  const x = () =>
    tf.tensor2d(
      Array.from({ length: 40 }, (_, i) => i),
      [20, 2],
    );

  it('a full pipeline leaks nothing, including an early break', async () => {
    const t = x();
    const ds = Dataset.fromTensorSlices({ x: t, y: new Int32Array(20) })
      .map(({ x, y }) => ({ x: tf.mul(x, 2), y }))
      .shuffle(8, { seed: 1 })
      .batch(3)
      .repeat()
      .prefetch(2);
    await expectNoLeaks(async () => {
      let n = 0;
      for await (const b of ds) {
        tf.dispose(b as unknown as tf.TensorContainer);
        if (++n === 10) break;
      }
    });
    await expectNoLeaks(async () => {
      for await (const b of ds.take(4)) tf.dispose(b as unknown as tf.TensorContainer);
    });
    t.dispose();
  });

  it('early break out of a shuffle buffer of materialized tensors frees them', async () => {
    const ds = Dataset.fromTensorSlices(new Float32Array(50))
      .map((v) => tf.add(v, 1))
      .shuffle(20, { seed: 1 })
      .batch(4, { dropRemainder: true });
    await expectNoLeaks(async () => {
      for await (const b of ds) {
        b.dispose();
        break;
      }
    });
  });

  it('dropRemainder disposes the partial batch', async () => {
    const ds = Dataset.fromTensorSlices(new Float32Array(5))
      .map((v) => tf.add(v, 1))
      .batch(2, { dropRemainder: true });
    await expectNoLeaks(() => collectPlain(ds));
  });
});
