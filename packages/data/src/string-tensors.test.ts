import { collectPlain, expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { placeholder } from './placeholder.js';

beforeAll(() => setupTestBackend('cpu'));

const outputs = (ds: AsyncIterable<unknown>) => expectNoLeaks(() => collectPlain(ds));

describe('string tensors through the pipeline (tf.data keeps tf.string everywhere)', () => {
  it('fromTensorSlices(string[]) yields scalar string tensors', async () => {
    const ds = Dataset.fromTensorSlices(['a.tfrecord', 'b.tfrecord', 'c.tfrecord']);
    expect(ds.size).toBe(3);
    const first = await ds.makeOneShotIterator().getNext();
    expect(first.dtype).toBe('string');
    expect(first.shape).toEqual([]);
    first.dispose();
    expect(await outputs(ds)).toEqual(['a.tfrecord', 'b.tfrecord', 'c.tfrecord']);
  });

  it('a string tensor column slices by rows, non-ASCII text intact', async () => {
    const names = tf.tensor2d(
      [
        ['é', 'ß'],
        ['日本', ''],
      ],
      [2, 2],
      'string',
    );
    expect(await outputs(Dataset.fromTensorSlices(names))).toEqual([
      ['é', 'ß'],
      ['日本', ''],
    ]);
    names.dispose();
  });

  it('string columns pass through map, filter, shuffle and batch next to numbers', async () => {
    const ds = Dataset.fromTensorSlices({ name: ['ann', 'bob', 'cy', 'dee'], age: [31, 25, 40, 19] })
      .map(({ name, age }) => ({ name, age: tf.add(age, 1) }))
      .filter(({ age }) => tf.greater(age, 20))
      .batch(2);
    expect(await outputs(ds)).toEqual([
      { name: ['ann', 'bob'], age: [32, 26] },
      { name: ['cy'], age: [41] },
    ]);
    // the in-memory fast path (slices → shuffle → batch, one gather per batch) keeps the strings with their rows
    const fast = Dataset.fromTensorSlices({ name: ['a', 'b', 'c', 'd', 'e'], id: new Int32Array([0, 1, 2, 3, 4]) })
      .shuffle(5, { seed: 3 })
      .batch(5);
    const [batch] = (await outputs(fast)) as { name: string[]; id: number[] }[];
    expect(batch!.name).toEqual(batch!.id.map((i) => 'abcde'[i]));
    expect([...batch!.id].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('cache() replays string elements', async () => {
    const ds = Dataset.fromTensorSlices({ s: ['x', 'ÿ'] })
      .map(({ s }) => ({ s }))
      .cache();
    expect(await outputs(ds)).toEqual([{ s: 'x' }, { s: 'ÿ' }]);
    expect(await outputs(ds)).toEqual([{ s: 'x' }, { s: 'ÿ' }]);
  });

  it('batch() stacks string tensors that map produced, and unbatch() splits them', async () => {
    const ds = Dataset.range(3)
      .map((i) => tf.tensor(['x', 'y', 'z'][i]!))
      .batch(2);
    expect(await outputs(ds)).toEqual([['x', 'y'], ['z']]);
    expect(await outputs(ds.unbatch())).toEqual(['x', 'y', 'z']);
  });

  it('string placeholders are fed through initialize()', async () => {
    const it = Dataset.fromTensorSlices(placeholder('files', { dtype: 'string' })).makeInitializableIterator();
    await it.initialize({ files: ['p', 'q'] });
    const got: unknown[] = [];
    for await (const x of it) {
      got.push(x.arraySync());
      x.dispose();
    }
    expect(got).toEqual(['p', 'q']);
    await expect(it.initialize({ files: [1, 2] }).then(() => it.getNext())).rejects.toThrow(
      /'files' is declared string but was fed float32 values/,
    );
  });

  it('paddedBatch and bucketBySequenceLength pad string sequences with "" (or a string paddingValue)', async () => {
    const sentences = [['the', 'cat'], ['a'], ['dogs', 'bark', 'loud'], ['hi']];
    const tokens = () => Dataset.fromGenerator(() => sentences.map((w) => tf.tensor1d(w, 'string')).values());
    expect(await outputs(tokens().paddedBatch(2))).toEqual([
      [
        ['the', 'cat'],
        ['a', ''],
      ],
      [
        ['dogs', 'bark', 'loud'],
        ['hi', '', ''],
      ],
    ]);
    const grid = Dataset.fromGenerator(() =>
      [tf.tensor2d([['a']], [1, 1], 'string'), tf.tensor2d([['b', 'c']], [1, 2], 'string')].values(),
    );
    expect(await outputs(grid.paddedBatch(2, { paddedShapes: [2, 3], paddingValues: '<pad>' }))).toEqual([
      [
        [
          ['a', '<pad>', '<pad>'],
          ['<pad>', '<pad>', '<pad>'],
        ],
        [
          ['b', 'c', '<pad>'],
          ['<pad>', '<pad>', '<pad>'],
        ],
      ],
    ]);
    const buckets = tokens().bucketBySequenceLength({
      elementLengthFunc: (x) => x.shape[0]!,
      bucketBoundaries: [2],
      bucketBatchSizes: [2, 2],
      padToBucketBoundary: true,
    });
    // bucket 1 (length >= 2, the last: padded to its batch maximum) fills first
    expect(await outputs(buckets)).toEqual([
      [
        ['the', 'cat', ''],
        ['dogs', 'bark', 'loud'],
      ],
      [['a'], ['hi']],
    ]);
  });
});
