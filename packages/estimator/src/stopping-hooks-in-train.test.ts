import { type CheckpointSaverListener, GlobalStepWaiterHook, NanTensorHook, StopAtStepHook } from '@estimatorjs/hooks';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, loadVariable, nameTensor, readCheckpointState } from './index.js';
import { handTrained, linearEstimator, linearInput, linearModelFn } from './linear-model.test-util.js';
import { fileStorage } from './node/file-storage.js';

beforeAll(() => setupTestBackend('cpu'));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function newDir(): string {
  const { dir, cleanup } = tempModelDir();
  cleanups.push(cleanup);
  return dir;
}

/** The global step of the newest checkpoint on disk in `dir` (0 when there is none). */
async function stepOnDisk(dir: string): Promise<number> {
  const prefix = await latestCheckpoint(fileStorage(dir));
  return prefix === null ? 0 : Number(prefix.slice(prefix.lastIndexOf('-') + 1));
}

const hand = handTrained(6);

describe('hooks that stop or gate Estimator.train()', () => {
  it('StopAtStepHook stops at the exact global step, also after a restart', async () => {
    const dir = newDir();
    const first = linearEstimator(cleanups, { modelDir: dir });
    await first.train(linearInput(100), { steps: 50, hooks: [new StopAtStepHook({ lastStep: 4 })] });
    expect(first.globalStep).toBe(4);
    expect(await latestCheckpoint(fileStorage(dir))).toBe('model.ckpt-4');
    first.dispose();
    const second = linearEstimator(cleanups, { modelDir: dir });
    await second.train(linearInput(100), { hooks: [new StopAtStepHook({ numSteps: 2 })] });
    expect(second.globalStep).toBe(6);
    const w = await loadVariable(fileStorage(dir), 'model.ckpt-6', 'linear/w');
    expect((await w.data())[0]).toBeCloseTo(hand[5]!.w, 5);
    w.dispose();
    second.dispose();
  });

  it('NanTensorHook (the Estimator’s own) fails the step whose loss is NaN, before it is checkpointed', async () => {
    const dir = newDir();
    const est = linearEstimator(cleanups, { modelDir: dir, config: { saveCheckpointsSteps: 1 } });
    // The third batch carries a NaN feature, so the third step's loss is NaN.
    const err = await est.train(linearInput(100, { nanAt: [2] }), { steps: 10 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HOOK_FAILED', cause: { code: 'NAN_LOSS' } });
    expect((err as Error).message).toBe(
      'NanTensorHook.afterRun() failed: NaN loss during training: loss = NaN at step 3.',
    );
    expect(await latestCheckpoint(fileStorage(dir))).toBe('model.ckpt-2');
    est.dispose();
  });

  it('NanTensorHook with failOnNanLoss: false stops at the step its tensor turns NaN, and training ends cleanly', async () => {
    const dir = newDir();
    // sqrt(-b): 0 while b is still 0 (step 1), NaN once the first update made b > 0 (step 2). The loss stays finite.
    const modelFn = linearModelFn({
      extra: ({ b }) => void nameTensor('sqrt_minus_b', tf.sqrt(tf.neg(tf.reshape(b, [])))),
    });
    const est = linearEstimator(cleanups, { modelDir: dir, modelFn });
    const watch = new NanTensorHook({ tensor: 'sqrt_minus_b', failOnNanLoss: false });
    await est.train(linearInput(100), { steps: 10, hooks: [watch] });
    expect(est.globalStep).toBe(2);
    expect(await latestCheckpoint(fileStorage(dir))).toBe('model.ckpt-2');
    est.dispose();
  });

  it('CheckpointSaverHook: each listener call sees the checkpoint that is on disk, and a listener can stop training', async () => {
    const dir = newDir();
    const storage = fileStorage(dir);
    const seen: string[] = [];
    const listener: CheckpointSaverListener = {
      begin: () => void seen.push('begin'),
      beforeSave: (step) => void seen.push(`beforeSave ${step}`),
      afterSave: async (step, path) => {
        const state = await readCheckpointState(storage);
        const w = await loadVariable(storage, path, 'linear/w');
        const onDisk = (await w.data())[0]!;
        w.dispose();
        expect(onDisk).toBeCloseTo(hand[step - 1]!.w, 5);
        seen.push(`afterSave ${step} ${path} latest=${state?.modelCheckpointPath}`);
        return undefined;
      },
      end: (step) => void seen.push(`end ${step}`),
    };
    const est = linearEstimator(cleanups, { modelDir: dir, config: { saveCheckpointsSteps: 2 } });
    await est.train(linearInput(100), { steps: 5, savingListeners: [listener] });
    expect(seen).toEqual([
      'begin',
      'beforeSave 2',
      'afterSave 2 model.ckpt-2 latest=model.ckpt-2',
      'beforeSave 4',
      'afterSave 4 model.ckpt-4 latest=model.ckpt-4',
      // The final save at the end of training.
      'beforeSave 5',
      'afterSave 5 model.ckpt-5 latest=model.ckpt-5',
      'end 5',
    ]);
    // Resumed at 5, the timer counts from there: saves at 7, 9, … ; the listener stops after the save at 7.
    const stopper: CheckpointSaverListener = { afterSave: (step) => step >= 7 };
    await est.train(linearInput(100), { steps: 50, savingListeners: [stopper] });
    expect(est.globalStep).toBe(7);
    expect(await latestCheckpoint(storage)).toBe('model.ckpt-7');
    est.dispose();
  });

  it('GlobalStepWaiterHook holds the first step until a second Estimator’s checkpoints reach the step', async () => {
    const chiefDir = newDir();
    const events: string[] = [];
    // The chief's saves, as events a reader can await (no polling race: each read waits for the next save).
    const saves: number[] = [];
    let wake: (() => void) | null = null;
    const onSave: CheckpointSaverListener = {
      afterSave: (step) => {
        events.push(`chief saved ${step}`);
        saves.push(step);
        wake?.();
        return undefined;
      },
    };
    let consumed = 0;
    const readGlobalStep = async () => {
      while (saves.length <= consumed) await new Promise<void>((resolve) => (wake = resolve));
      consumed = saves.length;
      return stepOnDisk(chiefDir);
    };
    const waitLog: string[] = [];
    const waiter = new GlobalStepWaiterHook({
      waitUntilStep: 4,
      readGlobalStep,
      pollSecs: 0,
      log: (l) => waitLog.push(l),
    });
    const workerFn = linearModelFn({ onCall: (mode) => void (mode === 'train' && events.push('worker model_fn')) });
    const chief = linearEstimator(cleanups, { modelDir: chiefDir, config: { saveCheckpointsSteps: 2 } });
    const worker = linearEstimator(cleanups, { modelFn: workerFn });
    await Promise.all([
      chief.train(linearInput(100), { steps: 6, savingListeners: [onSave] }),
      worker.train(linearInput(100), { steps: 2, hooks: [waiter] }),
    ]);
    expect(events.filter((e) => e.startsWith('chief'))).toEqual(['chief saved 2', 'chief saved 4', 'chief saved 6']);
    // The worker's model_fn first ran after the chief's checkpoint 4 existed (build pass + 2 steps = 3 calls).
    const firstWorkerCall = events.indexOf('worker model_fn');
    expect(firstWorkerCall).toBeGreaterThan(events.indexOf('chief saved 4'));
    expect(events.filter((e) => e === 'worker model_fn')).toHaveLength(3);
    expect(waitLog).toEqual(['Waiting for global step 4 before starting training. Current step is 0.']);
    expect(worker.globalStep).toBe(2);
    chief.dispose();
    worker.dispose();
  });
});
