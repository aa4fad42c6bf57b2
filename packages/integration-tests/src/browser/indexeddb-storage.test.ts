/**
 * IndexedDbStorage (a ModelDirStorage over IndexedDB) on fake-indexeddb in Node, and an Estimator that trains,
 * checkpoints and resumes through it. The real-browser run is in mnist-browser.test.ts.
 */
import { CheckpointError, Estimator, IndexedDbStorage, latestCheckpoint, RunConfig } from '@estimatorjs/estimator';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, it } from 'vitest';

const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('IndexedDbStorage', () => {
  it('reads back what it wrote, lists, overwrites and removes', async () => {
    const s = new IndexedDbStorage('runs/a', { indexedDB: new IDBFactory() });
    expect(s.location).toBe('indexeddb://estimatorjs-models/runs/a');
    expect(await s.read('checkpoint')).toBeNull();
    expect(await s.list()).toEqual([]);
    await s.writeAtomic('checkpoint', 'one');
    await s.writeAtomic('model.ckpt-1.bin', new Uint8Array([1, 2, 3]));
    expect(text(await s.read('checkpoint'))).toBe('one');
    expect(Array.from((await s.read('model.ckpt-1.bin'))!)).toEqual([1, 2, 3]);
    await s.writeAtomic('checkpoint', 'two');
    expect(text(await s.read('checkpoint'))).toBe('two');
    expect(await s.list()).toEqual(['checkpoint', 'model.ckpt-1.bin']);
    await s.remove('checkpoint');
    await s.remove('not-there');
    expect(await s.list()).toEqual(['model.ckpt-1.bin']);
    await s.close();
  });

  it('keeps a copy: changing the written or the read bytes changes nothing stored', async () => {
    const s = new IndexedDbStorage('copy', { indexedDB: new IDBFactory() });
    const data = new Uint8Array([5, 6]);
    await s.writeAtomic('f', data);
    data[0] = 9;
    const read = (await s.read('f'))!;
    read[1] = 9;
    expect(Array.from((await s.read('f'))!)).toEqual([5, 6]);
  });

  it('separates model directories and databases; clear() empties one directory', async () => {
    const indexedDB = new IDBFactory();
    const a = new IndexedDbStorage('a', { indexedDB });
    const a2 = new IndexedDbStorage('a/', { indexedDB });
    const ab = new IndexedDbStorage('a-b', { indexedDB });
    const other = new IndexedDbStorage('a', { indexedDB, dbName: 'other' });
    await a.writeAtomic('x', '1');
    await ab.writeAtomic('y', '2');
    expect(text(await a2.read('x'))).toBe('1'); // same directory: trailing '/' ignored, data shared across instances
    expect(await ab.list()).toEqual(['y']);
    expect(await other.list()).toEqual([]);
    expect(await a.clear()).toBe(1);
    expect(await a.list()).toEqual([]);
    expect(await ab.list()).toEqual(['y']);
  });

  it('rejects unsafe names and a missing IndexedDB with CheckpointErrors that say what to do', async () => {
    const s = new IndexedDbStorage('m', { indexedDB: new IDBFactory() });
    await expect(s.writeAtomic('../x', 'a')).rejects.toMatchObject({ code: 'UNSAFE_NAME' });
    await expect(s.read('a/b')).rejects.toThrow(/IndexedDbStorage.read\(\): file name "a\/b" is not allowed/);
    expect(() => new IndexedDbStorage('m')).toThrow(/IndexedDB is not available here.*fileStorage\(\)/);
    expect(() => new IndexedDbStorage('', { indexedDB: new IDBFactory() })).toThrow(CheckpointError);
  });

  it('a write that fails (quota, aborted transaction) is reported as STORAGE_IO naming the file', async () => {
    const indexedDB = new IDBFactory();
    const s = new IndexedDbStorage('q', { indexedDB });
    // A value IndexedDB cannot clone makes put() throw synchronously inside the transaction.
    await expect(s.writeAtomic('f', { slice: () => Symbol('x') } as unknown as Uint8Array)).rejects.toMatchObject({
      code: 'STORAGE_IO',
      message: expect.stringContaining('indexeddb://estimatorjs-models/q/f'),
    });
    expect(await s.list()).toEqual([]);
  });
});

describe('Estimator on IndexedDbStorage', () => {
  beforeAll(async () => {
    await setupTestBackend('cpu');
  });

  it('trains, saves a checkpoint, and a new Estimator on the same directory resumes the global step', async () => {
    const { layers, losses, GradientDescentOptimizer } = await import('@estimatorjs/estimator');
    const indexedDB = new IDBFactory();
    const fn = (f: unknown, l: unknown, mode: 'train' | 'eval' | 'infer') => {
      const y = layers.dense(f as tf.Tensor, 1, { name: 'linear' });
      if (mode === 'infer') return { mode, predictions: { y } };
      const loss = losses.meanSquaredError({ labels: l as tf.Tensor, predictions: y });
      if (mode === 'eval') return { mode, loss };
      return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss) };
    };
    const inputFn = () => ({
      async *[Symbol.asyncIterator]() {
        for (;;)
          yield [
            tf.tensor2d([
              [1, 2],
              [3, 4],
            ]),
            tf.tensor2d([[1], [2]]),
          ] as [tf.Tensor, tf.Tensor];
      },
    });
    const make = () =>
      new Estimator({
        modelFn: fn as never,
        config: new RunConfig({ modelDir: 'lin', storage: new IndexedDbStorage('lin', { indexedDB }) }),
        log: () => {},
      });
    const a = make();
    await a.train(inputFn as never, { steps: 3 });
    a.dispose();
    const storage = new IndexedDbStorage('lin', { indexedDB });
    expect(await latestCheckpoint(storage)).toBe('model.ckpt-3');
    expect(await storage.list()).toContain('checkpoint');
    const b = make();
    await b.train(inputFn as never, { steps: 2 });
    expect(b.globalStep).toBe(5);
    await expectNoLeaks(() => b.train(inputFn as never, { steps: 1 }));
    b.dispose();
    expect(await latestCheckpoint(storage)).toBe('model.ckpt-6');
  });
});
