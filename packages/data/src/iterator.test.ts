import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { DataError, OutOfRangeError } from './errors.js';
import { placeholder } from './placeholder.js';

beforeAll(() => setupTestBackend('cpu'));

describe('makeOneShotIterator', () => {
  it('getNext() walks the dataset then throws OutOfRangeError', async () => {
    const it = Dataset.fromTensorSlices([1, 2]).makeOneShotIterator();
    const a = await it.getNext();
    const b = await it.getNext();
    expect([a.arraySync(), b.arraySync()]).toEqual([1, 2]);
    tf.dispose([a, b]);
    const err = await it.getNext().catch((e) => e);
    expect(err).toBeInstanceOf(OutOfRangeError);
    expect(err).toBeInstanceOf(DataError);
    expect(err.code).toBe('OUT_OF_RANGE');
  });

  it('is async-iterable and shares its position with next()', async () => {
    const it = Dataset.fromTensorSlices([1, 2, 3]).makeOneShotIterator();
    const first = await it.getNext();
    first.dispose();
    const rest: number[] = [];
    for await (const x of it) {
      rest.push(x.arraySync() as number);
      x.dispose();
    }
    expect(rest).toEqual([2, 3]);
    expect(it.position).toBe(3);
  });

  it('return() releases buffered tensors', async () => {
    const ds = Dataset.fromTensorSlices(new Float32Array(30))
      .map((x) => tf.add(x, 1))
      .shuffle(10, { seed: 1 })
      .prefetch(2);
    await expectNoLeaks(async () => {
      const it = ds.makeOneShotIterator();
      (await it.getNext()).dispose();
      await it.return();
      await it.return();
      expect((await it.next()).done).toBe(true);
    });
  });
});

describe('makeInitializableIterator', () => {
  it('feeds placeholders, reshapes flat arrays and restarts on initialize()', async () => {
    const images = placeholder('images', { shape: [2] });
    const labels = placeholder('labels', { dtype: 'int32' });
    const it = Dataset.fromTensorSlices([images, labels]).repeat().batch(2).makeInitializableIterator();
    await it.initialize({ images: new Float32Array([1, 2, 3, 4, 5, 6]), labels: new Uint8Array([7, 8, 9]) });
    const [x, y] = await it.getNext();
    expect(x.shape).toEqual([2, 2]);
    expect(x.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(y.dtype).toBe('int32');
    expect(y.arraySync()).toEqual([7, 8]);
    tf.dispose([x, y]);
    const [x2, y2] = await it.getNext();
    expect(x2.arraySync()).toEqual([
      [5, 6],
      [1, 2],
    ]);
    tf.dispose([x2, y2]);
    await it.initialize({ images: new Float32Array([10, 20]), labels: [1] });
    const [x3, y3] = await it.getNext();
    expect(x3.arraySync()).toEqual([
      [10, 20],
      [10, 20],
    ]);
    tf.dispose([x3, y3]);
    await it.return();
  });

  it('accepts tensors as feeds and iterates with for await', async () => {
    const ph = placeholder('x', { shape: [1] });
    const it = Dataset.fromTensorSlices({ x: ph }).makeInitializableIterator();
    const t = tf.tensor2d([[1], [2]]);
    await it.initialize({ x: t });
    const seen: number[][] = [];
    for await (const { x } of it) {
      seen.push(x.arraySync() as number[]);
      x.dispose();
    }
    expect(seen).toEqual([[1], [2]]);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it('pulling before initialize() names the placeholder', async () => {
    const it = Dataset.fromTensorSlices(placeholder('images')).makeInitializableIterator();
    await expect(it.getNext()).rejects.toThrow(/placeholder 'images' has no value/);
    const direct = Dataset.fromTensorSlices(placeholder('images'));
    await expect(direct.makeOneShotIterator().next()).rejects.toThrow(/placeholder 'images' has no value/);
  });

  it('a missing feed key or a bad shape is a clear error', async () => {
    const it = Dataset.fromTensorSlices([
      placeholder('a', { shape: [3] }),
      placeholder('b'),
    ]).makeInitializableIterator();
    await it.initialize({ a: new Float32Array(6) });
    await expect(it.getNext()).rejects.toThrow(/no value for placeholder 'b'. Received keys: \[a\]/);
    await it.initialize({ a: new Float32Array(7), b: [1, 2] });
    await expect(it.getNext()).rejects.toThrow(/'a' has 7 values, which is not a multiple of the row shape \[3\]/);
    await it.initialize({ a: new Float32Array(6), b: [1, 2, 3] });
    await expect(it.getNext()).rejects.toThrow(/\[0\]: 2, \[1\]: 3/);
  });

  it('the reference pipeline leaks nothing across initialize() and early exit', async () => {
    const images = placeholder('images', { shape: [4] });
    const labels = placeholder('labels', { dtype: 'int32' });
    const it = Dataset.fromTensorSlices([images, labels])
      .repeat()
      .shuffle(16, { seed: 1 })
      .batch(8)
      .makeInitializableIterator();
    await expectNoLeaks(async () => {
      await it.initialize({ images: new Float32Array(40 * 4), labels: new Int32Array(40) });
      for (let i = 0; i < 3; i++) tf.dispose(await it.getNext());
      await it.initialize({ images: new Float32Array(8), labels: new Int32Array(2) });
      let n = 0;
      for await (const b of it) {
        tf.dispose(b);
        if (++n === 2) break;
      }
    });
  });
});
