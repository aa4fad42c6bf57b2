/**
 * scan, unique, groupByWindow, bucketBySequenceLength, sampleFromDatasets, chooseFromDatasets, ignoreErrors,
 * getSingleElement, withOptions: each against the input → output examples of tf.data's docstrings.
 */
import { collectPlain, expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';

beforeAll(() => setupTestBackend('cpu'));

const outputs = (ds: AsyncIterable<unknown>) => expectNoLeaks(() => collectPlain(ds));

/** tf.data's docstring input of bucket_by_sequence_length. */
const SEQUENCES = [[0], [1, 2, 3, 4], [5, 6, 7], [7, 8, 9, 10, 11], [13, 14, 15, 16, 19, 20], [21, 22]];
const sequences = () =>
  Dataset.fromGenerator(() => SEQUENCES.values(), {
    outputSignature: { shape: [null], dtype: 'int32' },
  }) as unknown as Dataset<tf.Tensor>;

describe('scan (tf.data.Dataset.scan docstring)', () => {
  it('range(10).scan(0, (state, i) => (state + i, state + i)) → running sums', async () => {
    const initial: tf.Tensor = tf.scalar(0, 'int32');
    const ds = Dataset.range(10)
      .map((i) => tf.scalar(i, 'int32'))
      .scan(initial, (state, i) => {
        const s = tf.add(state, i);
        return [s, s]; // the same tensor as state and output: the output must be a copy the consumer may dispose
      });
    expect(await outputs(ds)).toEqual([0, 1, 3, 6, 10, 15, 21, 28, 36, 45]);
    // re-iterable from the initial state, which stays the caller's
    expect(await outputs(ds)).toEqual([0, 1, 3, 6, 10, 15, 21, 28, 36, 45]);
    expect(initial.isDisposed).toBe(false);
    initial.dispose();
  });

  it('plain-number state, and a bad return value is one clear error', async () => {
    expect(await outputs(Dataset.range(4).scan(10, (s, x) => [s - x, s * x]))).toEqual([0, 10, 18, 21]);
    const bad = Dataset.range(2).scan(0, () => 5 as unknown as [number, number]);
    await expect(collectPlain(bad)).rejects.toThrow(
      /^Dataset\.scan\(\): fn\(state, element\) must return \[newState, output\]\. Received number\.$/,
    );
  });
});

describe('unique (tf.data.Dataset.unique docstring)', () => {
  it('[1, 37, 2, 37, 2, 1] → 1, 37, 2 (sorted: [1, 2, 37]), and strings', async () => {
    const ds = Dataset.fromTensorSlices(new Int32Array([1, 37, 2, 37, 2, 1])).unique();
    const got = (await outputs(ds)) as number[];
    expect([...got].sort((a, b) => a - b)).toEqual([1, 2, 37]);
    expect(got).toEqual([1, 37, 2]);
    expect(await outputs(Dataset.fromTensorSlices(['b', 'a', 'b', 'c', 'a']).unique())).toEqual(['b', 'a', 'c']);
  });

  it('refuses elements tf.data cannot compare (float vectors)', async () => {
    const ds = Dataset.fromTensorSlices(tf.zeros([2, 3])).unique();
    await expect(collectPlain(ds)).rejects.toThrow(
      /Dataset\.unique\(\): expected elements that are scalar int32 or string/,
    );
  });
});

describe('groupByWindow (tf.data.Dataset.group_by_window docstring)', () => {
  it('range(10), key x % 2, window 5, batch(5) → [0 2 4 6 8], [1 3 5 7 9]', async () => {
    const ds = Dataset.range(10)
      .map((x) => tf.scalar(x, 'int32'))
      .groupByWindow({ keyFunc: (x) => tf.mod(x, 2), reduceFunc: (_key, w) => w.batch(5), windowSize: 5 });
    expect(await outputs(ds)).toEqual([
      [0, 2, 4, 6, 8],
      [1, 3, 5, 7, 9],
    ]);
  });

  it('partial windows are reduced at the end by ascending key; windowSizeFunc sizes windows per key', async () => {
    const ds = Dataset.range(7).groupByWindow({
      keyFunc: (x) => (x % 3 === 0 ? 2 : 1),
      reduceFunc: (key, w) => w.batch(10).map((b) => ({ key, b })),
      windowSizeFunc: (key) => (key === 1 ? 2 : 5),
    });
    // key 1 (1, 2, 4, 5) fills windows of 2; key 2 (0, 3, 6) never fills its 5 and is flushed at the end
    expect(await outputs(ds)).toEqual([
      { key: 1, b: [1, 2] },
      { key: 1, b: [4, 5] },
      { key: 2, b: [0, 3, 6] },
    ]);
    expect(() =>
      Dataset.range(3).groupByWindow({ keyFunc: () => 0, reduceFunc: (_k: number, w: Dataset<number>) => w } as never),
    ).toThrow(/pass exactly one of windowSize and windowSizeFunc\. Received neither\./);
  });
});

describe('bucketBySequenceLength (tf.data docstring examples)', () => {
  it('boundaries [3, 5], batch sizes [2, 2, 2] → padded to each batch maximum', async () => {
    const ds = sequences().bucketBySequenceLength({
      elementLengthFunc: (x) => x.shape[0]!,
      bucketBoundaries: [3, 5],
      bucketBatchSizes: [2, 2, 2],
    });
    expect(await outputs(ds)).toEqual([
      [
        [1, 2, 3, 4],
        [5, 6, 7, 0],
      ],
      [
        [7, 8, 9, 10, 11, 0],
        [13, 14, 15, 16, 19, 20],
      ],
      [
        [0, 0],
        [21, 22],
      ],
    ]);
  });

  it('boundaries [4, 7], padToBucketBoundary, padding -1 → padded to boundary - 1', async () => {
    const ds = sequences().bucketBySequenceLength({
      elementLengthFunc: (x) => tf.tidy(() => tf.reshape(tf.slice(tf.tensor1d(x.shape, 'int32'), 0, 1), [])),
      bucketBoundaries: [4, 7],
      bucketBatchSizes: [2, 2, 2],
      padToBucketBoundary: true,
      paddingValues: -1,
    });
    expect(await outputs(ds)).toEqual([
      [
        [0, -1, -1],
        [5, 6, 7],
      ],
      [
        [1, 2, 3, 4, -1, -1],
        [7, 8, 9, 10, 11, -1],
      ],
      [[21, 22, -1]],
      [[13, 14, 15, 16, 19, 20]],
    ]);
  });

  it('the same with dropRemainder keeps only full batches (docstring: the last two batches go)', async () => {
    const ds = sequences().bucketBySequenceLength({
      elementLengthFunc: (x) => x.shape[0]!,
      bucketBoundaries: [4, 7],
      bucketBatchSizes: [2, 2, 2],
      padToBucketBoundary: true,
      paddingValues: -1,
      dropRemainder: true,
    });
    expect(await outputs(ds)).toEqual([
      [
        [0, -1, -1],
        [5, 6, 7],
      ],
      [
        [1, 2, 3, 4, -1, -1],
        [7, 8, 9, 10, 11, -1],
      ],
    ]);
  });

  it('checks its arguments', () => {
    const elementLengthFunc = () => 1;
    expect(() =>
      Dataset.range(1).bucketBySequenceLength({
        elementLengthFunc,
        bucketBoundaries: [3, 5],
        bucketBatchSizes: [2, 2],
      }),
    ).toThrow(/bucketBatchSizes to have bucketBoundaries\.length \+ 1 = 3 entries/);
    expect(() =>
      Dataset.range(1).bucketBySequenceLength({
        elementLengthFunc,
        bucketBoundaries: [5, 3],
        bucketBatchSizes: [1, 1, 1],
      }),
    ).toThrow(/strictly increasing/);
  });
});

describe('chooseFromDatasets (tf.data.Dataset.choose_from_datasets docstring)', () => {
  it('foo/bar/baz chosen by range(3).repeat(3)', async () => {
    const datasets = ['foo', 'bar', 'baz'].map((s) => Dataset.fromTensors(tf.tensor(s)).repeat());
    const ds = Dataset.chooseFromDatasets(datasets, Dataset.range(3).repeat(3));
    expect(await outputs(ds)).toEqual(['foo', 'bar', 'baz', 'foo', 'bar', 'baz', 'foo', 'bar', 'baz']);
  });

  it('an exhausted choice is skipped (TF 1.x) or ends the output (stopOnEmptyDataset); a bad index is an error', async () => {
    const a = Dataset.range(0, 2);
    const b = Dataset.range(100, 103);
    const choices = Dataset.fromTensorSlices(new Int32Array([0, 0, 0, 1, 1, 0, 1]));
    expect(await outputs(Dataset.chooseFromDatasets([a, b], choices))).toEqual([0, 1, 100, 101, 102]);
    expect(await outputs(Dataset.chooseFromDatasets([a, b], choices, { stopOnEmptyDataset: true }))).toEqual([0, 1]);
    await expect(collectPlain(Dataset.chooseFromDatasets([a, b], Dataset.range(3)))).rejects.toThrow(
      /choiceDataset yielded 2; expected an integer in \[0, 2\)/,
    );
  });
});

describe('sampleFromDatasets', () => {
  it('yields every element of every input, each input in its order (docstring: range(0,3) and range(100,103))', async () => {
    const ds = Dataset.sampleFromDatasets([Dataset.range(0, 3), Dataset.range(100, 103)], {
      weights: [0.5, 0.5],
      seed: 7,
    });
    const got = (await outputs(ds)) as number[];
    expect([...got].sort((x, y) => x - y)).toEqual([0, 1, 2, 100, 101, 102]);
    expect(got.filter((x) => x < 100)).toEqual([0, 1, 2]);
    expect(got.filter((x) => x >= 100)).toEqual([100, 101, 102]);
  });

  it('draws in proportion to the weights, reproducibly for a seed, differently each iteration', async () => {
    const ds = Dataset.sampleFromDatasets([Dataset.fromTensors(0).repeat(), Dataset.fromTensors(1).repeat()], {
      weights: [0.2, 0.8],
      seed: 42,
    }).take(4000);
    const first = (await collectPlain(ds)) as number[];
    const ones = first.filter((x) => x === 1).length / first.length;
    expect(ones).toBeGreaterThan(0.77); // 0.8 ± 5 standard deviations (0.0063)
    expect(ones).toBeLessThan(0.83);
    const again = (await collectPlain(ds)) as number[];
    expect(again).not.toEqual(first);
    const sameSeed = Dataset.sampleFromDatasets([Dataset.fromTensors(0).repeat(), Dataset.fromTensors(1).repeat()], {
      weights: [0.2, 0.8],
      seed: 42,
    }).take(4000);
    expect(await collectPlain(sameSeed)).toEqual(first);
    expect(() => Dataset.sampleFromDatasets([Dataset.range(1)], { weights: [0.5, 0.5] })).toThrow(
      /expected weights to be 1 finite numbers >= 0/,
    );
  });
});

describe('ignoreErrors (tf.data.experimental.ignore_errors docstring)', () => {
  it('[1, 2, 0, 4] mapped through a checked 1/x → [1, 0.5, 0.25]', async () => {
    const seen: unknown[] = [];
    const ds = Dataset.fromTensorSlices([1, 2, 0, 4])
      .map((x) => {
        const y = tf.div(1, x);
        if (!Number.isFinite(y.dataSync()[0])) throw new Error('check_numerics: Tensor had Inf values');
        return y;
      })
      .ignoreErrors({ onError: (e) => seen.push((e as Error).message) });
    expect(await outputs(ds)).toEqual([1, 0.5, 0.25]);
    expect(seen).toEqual(['check_numerics: Tensor had Inf values']);
  });

  it('filter and parallel map errors drop the element; without ignoreErrors the error surfaces', async () => {
    const boom = (x: number) => {
      if (x === 2) throw new Error('bad element');
      return x;
    };
    expect(
      await outputs(
        Dataset.range(5)
          .filter((x) => boom(x) > 0)
          .ignoreErrors(),
      ),
    ).toEqual([1, 3, 4]);
    const par = Dataset.range(5).map(async (x) => boom(x) * 10, { numParallelCalls: 3 });
    expect(await outputs(par.ignoreErrors())).toEqual([0, 10, 30, 40]);
    await expect(collectPlain(par)).rejects.toThrow('bad element');
  });
});

describe('getSingleElement and withOptions', () => {
  it('getSingleElement returns the one element; empty or longer datasets are errors and leak nothing', async () => {
    const one = await expectNoLeaks(async () => {
      const a = tf.tensor1d([1, 2]);
      const x = await Dataset.fromTensors({ a }).getSingleElement();
      const v = x.a.arraySync();
      tf.dispose([a, x.a]);
      return v;
    });
    expect(one).toEqual([1, 2]);
    await expectNoLeaks(async () => {
      await expect(Dataset.fromTensorSlices(new Float32Array(2)).getSingleElement()).rejects.toThrow(
        /^Dataset\.getSingleElement\(\): the dataset has more than one element\./,
      );
      await expect(Dataset.range(0).getSingleElement()).rejects.toThrow(/the dataset is empty/);
    });
  });

  it('withOptions({ deterministic: false }) reaches parallel maps upstream; unknown options are errors', async () => {
    // the first element's fn finishes last: deterministic order waits for it, non-deterministic does not
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slowFirst = async (x: number) => {
      if (x === 0) await gate;
      else if (x === 2) release();
      return x;
    };
    const ds = Dataset.range(3).map(slowFirst, { numParallelCalls: 3 }).withOptions({ deterministic: false });
    expect(ds.options()).toEqual({ deterministic: false });
    const got = (await collectPlain(ds)) as number[];
    expect(got[0]).not.toBe(0);
    expect([...got].sort()).toEqual([0, 1, 2]);
    expect(() => Dataset.range(1).withOptions({ experimental_optimization: {} } as never)).toThrow(
      /^Dataset\.withOptions\(\): unknown or unsupported option 'experimental_optimization'\. Expected one of: deterministic/,
    );
  });
});

describe('leaving early releases what the new stages hold', () => {
  it('break out of scan, groupByWindow, bucketing, sampling, choosing and ignoreErrors leaks nothing', async () => {
    const tensors = () => Dataset.range(20).map((x) => tf.fill([1 + (x % 3)], x));
    const pipelines: AsyncIterable<unknown>[] = [
      tensors().scan(tf.zeros([1]), (s, x) => [tf.add(s, tf.sum(x)), x]),
      tensors().groupByWindow({ keyFunc: (x) => x.shape[0]!, reduceFunc: (_k, w) => w.paddedBatch(2), windowSize: 2 }),
      tensors().bucketBySequenceLength({
        elementLengthFunc: (x) => x.shape[0]!,
        bucketBoundaries: [2],
        bucketBatchSizes: [2, 2],
      }),
      Dataset.sampleFromDatasets([tensors(), tensors()], { seed: 1 }),
      Dataset.chooseFromDatasets([tensors(), tensors()], Dataset.range(2).repeat()),
      tensors().prefetch(3).ignoreErrors(),
    ];
    for (const ds of pipelines) {
      await expectNoLeaks(async () => {
        let n = 0;
        for await (const x of ds) {
          tf.dispose(x as tf.TensorContainer);
          if (++n === 3) break;
        }
      });
    }
  });
});
