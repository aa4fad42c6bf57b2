import { collectPlain, expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { placeholder } from './placeholder.js';

beforeAll(() => setupTestBackend('cpu'));

type Ds = Dataset<{ x: tf.Tensor; y: tf.Tensor }>;
const rows = (n: number) => ({
  x: tf.tensor2d(
    Array.from({ length: n * 3 }, (_, i) => i),
    [n, 3],
  ),
  y: new Int32Array(Array.from({ length: n }, (_, i) => i)),
});

describe('the row-index fast path', () => {
  // an identity map() forces the general (one element at a time) path; both must agree element for element
  const pipelines: [string, (d: Ds) => Dataset<unknown>][] = [
    ['shuffle → repeat → batch', (d) => d.shuffle(7, { seed: 3 }).repeat(3).batch(4)],
    [
      'repeat → shuffle → take → batch(drop)',
      (d) => d.repeat(2).shuffle(10, { seed: 1 }).take(13).batch(5, { dropRemainder: true }),
    ],
    ['skip → shard → shuffle → batch', (d) => d.skip(3).shard(3, 1).shuffle(4, { seed: 9 }).batch(2)],
    [
      'shuffle without reshuffling, repeated',
      (d) => d.shuffle(23, { seed: 4, reshuffleEachIteration: false }).repeat(2).batch(8),
    ],
    ['per element, no batch', (d) => d.shuffle(5, { seed: 2 }).repeat(2).skip(1).take(30)],
    ['take(0), repeat(0)', (d) => d.take(0).repeat(2).batch(3).concatenate(d.repeat(0).batch(2))],
    ['prefetch → batch → unbatch', (d) => d.shuffle(6, { seed: 8 }).prefetch(4).batch(4).unbatch()],
  ];
  for (const [name, build] of pipelines) {
    it(`matches the general path: ${name}`, async () => {
      const src = rows(23);
      const fast = build(Dataset.fromTensorSlices(src) as unknown as Ds);
      const slow = build(Dataset.fromTensorSlices(src).map((e) => e) as unknown as Ds);
      expect(fast.size).toBe(slow.size);
      await expectNoLeaks(async () => {
        expect(await collectPlain(fast)).toEqual(await collectPlain(slow));
      });
      tf.dispose(src.x);
    });
  }

  it('a second iterator reshuffles on both paths alike', async () => {
    const src = rows(12);
    const fast = Dataset.fromTensorSlices(src).shuffle(12, { seed: 5 }).batch(12);
    const slow = Dataset.fromTensorSlices(src)
      .map((e) => e)
      .shuffle(12, { seed: 5 })
      .batch(12);
    const f = [await collectPlain(fast), await collectPlain(fast)];
    const s = [await collectPlain(slow), await collectPlain(slow)];
    expect(f).toEqual(s);
    expect(f[0]).not.toEqual(f[1]);
    tf.dispose(src.x);
  });
});

describe('map(fn, { vectorize: true })', () => {
  const norm = ({ x, y }: { x: tf.Tensor; y: tf.Tensor }) => ({ x: tf.div(tf.add(x, 1), 10), y: tf.mul(y, 2) });

  it('gives the same batches as the per-element map, and leaks nothing', async () => {
    const src = rows(20);
    const plain = Dataset.fromTensorSlices(src).map(norm).shuffle(8, { seed: 1 }).repeat(2).batch(6);
    const vec = Dataset.fromTensorSlices(src).map(norm, { vectorize: true }).shuffle(8, { seed: 1 }).repeat(2).batch(6);
    await expectNoLeaks(async () => {
      expect(await collectPlain(vec)).toEqual(await collectPlain(plain));
    });
    tf.dispose(src.x);
  });

  it('applies fn to single elements when nothing batches them; chained maps run in order', async () => {
    const ds = Dataset.fromTensorSlices(new Float32Array([1, 2, 3]))
      .map((x) => tf.add(x, 1), { vectorize: true })
      .map((x) => tf.mul(x, 10), { vectorize: true });
    expect(await collectPlain(ds)).toEqual([20, 30, 40]);
    expect(await collectPlain(ds.batch(2))).toEqual([[20, 30], [40]]);
    expect(await collectPlain(ds.map((x) => tf.neg(x)))).toEqual([-20, -30, -40]);
  });

  it('rejects a fn that mixes rows on the first batch, naming the API, and leaks nothing', async () => {
    const src = rows(8);
    const ds = Dataset.fromTensorSlices(src)
      .map(({ x, y }) => ({ x: tf.sub(x, tf.mean(x)), y }), { vectorize: true })
      .batch(4);
    await expectNoLeaks(async () => {
      const err = await collectPlain(ds).catch((e) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(String(err.message)).toMatch(/^Dataset\.map\(fn, \{ vectorize: true \}\): component 0 of row 0 differs/);
    });
    tf.dispose(src.x);
  });

  it('rejects a fn whose batch output has the wrong shape', async () => {
    const ds = Dataset.fromTensorSlices(tf.ones([6, 2]))
      .map((x) => tf.sum(x), { vectorize: true })
      .batch(3);
    await expect(collectPlain(ds)).rejects.toThrow(
      /component 0 of a batch of 3 came out as \[\]; per element it is \[\]/,
    );
  });

  it('rejects async functions up front', () => {
    expect(() => Dataset.range(3).map(async (x) => x, { vectorize: true })).toThrow(/expected a synchronous fn/);
  });

  it('falls back to a per-element map off the fast path', async () => {
    expect(
      await collectPlain(
        Dataset.range(4)
          .map((x) => x * 2, { vectorize: true })
          .batch(2),
      ),
    ).toEqual([
      [0, 2],
      [4, 6],
    ]);
  });
});

describe('the fast path with placeholders and saved positions', () => {
  it('an initialized repeat → shuffle → batch matches the general path, batches spanning epochs included', async () => {
    const x = placeholder('x', { shape: [2] });
    const build = (general: boolean) => {
      const d = Dataset.fromTensorSlices({ x });
      return (general ? d.map((e) => e) : d).repeat(3).shuffle(5, { seed: 11 }).batch(4);
    };
    const feed = { x: new Float32Array(Array.from({ length: 14 }, (_, i) => i)) };
    const read = async (general: boolean) => {
      const it = build(general).makeInitializableIterator();
      await it.initialize(feed);
      const out = await collectPlain(it);
      await it.return();
      return out;
    };
    await expectNoLeaks(async () => {
      expect(await read(false)).toEqual(await read(true));
    });
  });

  it('restoreState() resumes a vectorized, shuffled pipeline exactly', async () => {
    const src = rows(30);
    const ds = Dataset.fromTensorSlices(src)
      .map(({ x, y }) => ({ x: tf.mul(x, 2), y }), { vectorize: true })
      .shuffle(10, { seed: 6 })
      .repeat(2)
      .batch(7);
    const it = ds.makeOneShotIterator();
    tf.dispose((await it.getNext()) as unknown as tf.TensorContainer);
    tf.dispose((await it.getNext()) as unknown as tf.TensorContainer);
    const state = it.saveState();
    const rest = await collectPlain(it);
    expect(rest.length).toBe(7); // 60 rows in batches of 7: 9, two already read
    const resumed = ds.makeOneShotIterator();
    await resumed.restoreState(state);
    expect(await collectPlain(resumed)).toEqual(rest);
    tf.dispose(src.x);
  });
});
