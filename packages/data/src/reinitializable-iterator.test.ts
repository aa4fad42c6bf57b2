/** TF 1.x's reinitializable (Iterator.fromStructure) and feedable (Iterator.fromStringHandle) iterators. */
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { OutOfRangeError } from './errors.js';
import { placeholder } from './placeholder.js';
import { Iterator } from './reinitializable-iterator.js';

beforeAll(() => setupTestBackend('cpu'));

const value = async (p: Promise<tf.Tensor>) => {
  const t = await p;
  const v = t.arraySync();
  t.dispose();
  return v;
};

describe('Iterator.fromStructure (the TF 1.x programmer guide: training and validation datasets)', () => {
  // training = range(100).map(x + random_uniform([], -10, 10)); validation = range(50): here deterministic +1
  const training = Dataset.range(100).map((x) => tf.scalar(x + 1, 'int32'));
  const validation = Dataset.range(50).map((x) => tf.scalar(x, 'int32'));

  it('switches between datasets; each initializer restarts its dataset; no leaks', async () => {
    const before = tf.memory().numTensors;
    const it = Iterator.fromStructure<tf.Tensor>({ shape: [], dtype: 'int32' });
    const trainInit = it.makeInitializer(training);
    const validInit = it.makeInitializer(validation);
    for (let epoch = 0; epoch < 2; epoch++) {
      await trainInit();
      const got = [];
      for (let i = 0; i < 3; i++) got.push(await value(it.getNext()));
      expect(got).toEqual([1, 2, 3]);
      await validInit();
      expect(await value(it.getNext())).toBe(0);
      expect(await value(it.getNext())).toBe(1);
    }
    await it.return();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads to OutOfRangeError, refuses reads before initialization and elements of another structure', async () => {
    const it = Iterator.fromStructure<tf.Tensor>({ shape: [], dtype: 'int32' });
    await expect(it.getNext()).rejects.toThrow(
      /^ReinitializableIterator\.getNext\(\): the iterator has not been initialized/,
    );
    await it.makeInitializer(validation.take(1))();
    expect(await value(it.getNext())).toBe(0);
    await expect(it.getNext()).rejects.toBeInstanceOf(OutOfRangeError);
    const before = tf.memory().numTensors;
    await it.makeInitializer(Dataset.range(2).map((x) => tf.fill([2], x)))();
    await expect(it.getNext()).rejects.toThrow(
      /^ReinitializableIterator\.getNext\(\): the element does not match the iterator's structure at '\(element\)': expected dtype int32, received float32\./,
    );
    await it.return();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an initializer feeds the placeholders of its dataset', async () => {
    const it = Iterator.fromStructure<tf.Tensor>();
    const init = it.makeInitializer(Dataset.fromTensorSlices(placeholder('x', { dtype: 'int32' })));
    await init({ x: [7, 8] });
    expect(await value(it.getNext())).toBe(7);
    await init({ x: [9] });
    expect(await value(it.getNext())).toBe(9);
    await it.return();
  });
});

describe('Iterator.fromStringHandle (feedable: choose the iterator per call)', () => {
  it('reads from the iterator whose handle is passed; each keeps its own position', async () => {
    const before = tf.memory().numTensors;
    const trainIt = Dataset.range(100)
      .map((x) => tf.scalar(x, 'int32'))
      .repeat()
      .makeOneShotIterator();
    const validIt = Dataset.range(1000, 1003)
      .map((x) => tf.scalar(x, 'int32'))
      .makeOneShotIterator();
    const trainHandle = trainIt.stringHandle();
    const validHandle = validIt.stringHandle();
    expect(trainIt.stringHandle()).toBe(trainHandle);
    expect(validHandle).not.toBe(trainHandle);
    const it = Iterator.fromStringHandle<tf.Tensor>({ shape: [], dtype: 'int32' });
    expect(await value(it.getNext(trainHandle))).toBe(0);
    expect(await value(it.getNext(trainHandle))).toBe(1);
    expect(await value(it.getNext(validHandle))).toBe(1000);
    expect(await value(it.getNext(trainHandle))).toBe(2);
    expect(await value(it.getNext(validHandle))).toBe(1001);
    expect(await value(it.getNext(validHandle))).toBe(1002);
    await expect(it.getNext(validHandle)).rejects.toBeInstanceOf(OutOfRangeError);
    await expect(it.getNext('estimatorjs-iterator:999999')).rejects.toThrow(
      /^FeedableIterator\.getNext\(\): no iterator has the handle 'estimatorjs-iterator:999999'\./,
    );
    await trainIt.return();
    await validIt.return();
    expect(tf.memory().numTensors).toBe(before);
  });
});
