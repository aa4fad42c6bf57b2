/**
 * IndexedDB quota errors (issue 10): when the browser's storage quota fills up in the middle of a checkpoint, training
 * stops with a clear error and the previous checkpoint stays loadable. fake-indexeddb has no quota, so the test makes
 * IDBObjectStore.put throw the DOMException a browser throws (name QuotaExceededError) once the "quota" is reached.
 */
import { EstimatorError, IndexedDbStorage, latestCheckpoint, readCheckpoint } from '@estimatorjs/estimator';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEstimator, makeInputFn } from './fixture.mjs';

beforeAll(() => setupTestBackend('cpu'));
const logdir = tempModelDir('estimatorjs-quota-');
afterAll(logdir.cleanup);

describe('IndexedDB quota', () => {
  it('a QuotaExceededError mid-checkpoint stops training with a clear error; the last checkpoint stays intact', async () => {
    const storage = new IndexedDbStorage('quota', { indexedDB: new IDBFactory() });
    const trainer = makeEstimator({ storage, modelDir: logdir.dir, saveEvery: 10 });
    await trainer.train(makeInputFn(), { maxSteps: 10 });
    expect(await latestCheckpoint(storage)).toBe('model.ckpt-10');
    const proto = IDBObjectStore.prototype as unknown as { put: (...a: unknown[]) => unknown };
    const put = proto.put;
    proto.put = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    let error: unknown;
    try {
      await trainer.train(makeInputFn(), { maxSteps: 30 });
    } catch (e) {
      error = e;
    } finally {
      proto.put = put;
    }
    expect(error).toBeInstanceOf(EstimatorError);
    // Event files live in IndexedDB too, so whichever write hits the quota first (an event file flush or the
    // checkpoint) reports it; either way the message names the file and the quota.
    expect((error as Error).message).toMatch(
      /could not write .*(quota is full)|writing to '.*events\.out\.tfevents[^']*' failed: QuotaExceededError/,
    );
    expect((error as Error).message.split('\n')).toHaveLength(1);
    expect(trainer.globalStep).toBe(20);
    trainer.dispose();
    // Nothing of the failed save is visible: the state file still names step 10, and it loads.
    expect(await latestCheckpoint(storage)).toBe('model.ckpt-10');
    const { manifest, tensors } = await readCheckpoint(storage, 'model.ckpt-10');
    expect(manifest.globalStep).toBe(10);
    tf.dispose(tensors);
    const resumed = makeEstimator({ storage, modelDir: logdir.dir, saveEvery: 10 });
    await resumed.train(makeInputFn(), { maxSteps: 20 });
    expect(await latestCheckpoint(storage)).toBe('model.ckpt-20');
    resumed.dispose();
  });
});
