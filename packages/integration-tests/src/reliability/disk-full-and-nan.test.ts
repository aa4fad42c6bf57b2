import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelDirStorage, readCheckpointState } from '@estimatorjs/estimator';
import { fileStorage } from '@estimatorjs/estimator/node';
import { type EventSink, EventWriter } from '@estimatorjs/summary';
import { listEventFiles, readEvents } from '@estimatorjs/summary/node';
import { itWithTool, setupTestBackend, type Tool, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEstimator, makeInputFn } from './fixture.mjs';
import { checkpointValues, checkStateFile } from './helpers.js';

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanups.splice(0)) c();
});
beforeAll(() => setupTestBackend('cpu'));

function dir(): string {
  const d = tempModelDir('estimatorjs-full-');
  cleanups.push(d.cleanup);
  return d.dir;
}

/** The error Node's fs gives when the disk is full. */
function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}

/** A model directory on disk whose disk "fills up": every write after the first `okWrites` fails with ENOSPC. */
function fillingDisk(path: string, okWrites: number): ModelDirStorage & { writes: number } {
  const inner = fileStorage(path);
  const s = {
    location: inner.location,
    writes: 0,
    read: (n: string) => inner.read(n),
    list: () => inner.list(),
    remove: (n: string) => inner.remove(n),
    async writeAtomic(n: string, data: Uint8Array | string) {
      s.writes += 1;
      if (s.writes > okWrites) throw enospc();
      return inner.writeAtomic(n, data);
    },
  };
  return s;
}

/**
 * Event files on the same "disk": an in-memory sink whose appends fail with ENOSPC once `full()` says so. Records
 * appended before stay in `chunks`.
 */
function eventSinkOn(full: () => boolean): EventSink & { chunks: Uint8Array[]; attempts: number } {
  const sink = {
    name: 'events.out.tfevents.full-disk',
    chunks: [] as Uint8Array[],
    attempts: 0,
    async append(b: Uint8Array) {
      sink.attempts += 1;
      if (full()) throw enospc();
      sink.chunks.push(b);
    },
    async close() {},
  };
  return sink;
}

/** The messages of an error and its causes, joined. */
function messages(e: unknown): string {
  const out: string[] = [];
  for (let x = e as { message?: string; cause?: unknown } | undefined; x; x = x.cause as typeof x)
    out.push(String(x.message));
  return out.join(' <- ');
}

async function caught(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('disk full', () => {
  // Each save is three writes (weights, manifest, state file). The first two saves (steps 10 and 20) succeed;
  // the disk fills during the weights, the manifest or the state file of the third (step 30).
  for (const [which, okWrites] of [
    ['weights file', 6],
    ['manifest', 7],
    ['state file', 8],
  ] as const) {
    it(`a write error (ENOSPC) in the ${which} stops training with a clear error; the previous checkpoint stays intact`, async () => {
      const path = dir();
      const storage = fillingDisk(path, okWrites);
      const est = makeEstimator({ modelDir: path, storage, saveEvery: 10, keepMax: 2 });
      const before = tf.memory().numTensors;
      const err = await caught(est.train(makeInputFn(), { maxSteps: 100 }));
      expect(messages(err)).toMatch(/ENOSPC/);
      expect(messages(err)).toMatch(/step 30\b/);
      expect(err.code).toBeTypeOf('string');
      // Training stopped at the failed save, not later.
      expect(est.globalStep).toBe(30);
      // The failed save left no file of model.ckpt-30 behind (no orphan weights file filling the disk further).
      expect((await storage.list()).filter((f) => f.startsWith('model.ckpt-30.'))).toEqual([]);
      est.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
      // The state file still names step 20, which loads.
      const state = await checkStateFile(fileStorage(path));
      expect(state.latest).toBe('model.ckpt-20');
      // And a fresh process (here: a fresh Estimator on a healthy disk) resumes from it.
      const lines: string[] = [];
      const again = makeEstimator({ modelDir: path, storage: fileStorage(path), log: (l) => lines.push(l) });
      await again.train(makeInputFn(), { maxSteps: 25 });
      expect(lines.join('\n')).toMatch(/Restored model\.ckpt-20; resuming training from global step 20/);
      again.dispose();
    });
  }

  it("a full disk at the state-file write: the checkpoint's ENOSPC is the error shown, not the event file's", async () => {
    const path = dir();
    const disk = fillingDisk(path, 8);
    const sink = eventSinkOn(() => disk.writes >= 8);
    const storage: ModelDirStorage = { ...disk, summaryWriterFor: (logdir) => new EventWriter(sink, { logdir }) };
    const est = makeEstimator({ modelDir: path, storage, saveEvery: 10, keepMax: 2, summarySteps: 1 });
    const err = await caught(est.train(makeInputFn(), { maxSteps: 100 }));
    est.dispose();
    // The event sink failed too (summaries every step on the same full disk)…
    expect(sink.attempts).toBeGreaterThan(sink.chunks.length);
    // …but the error is the checkpoint's, naming the step.
    expect(err.message).toMatch(/Saving a checkpoint at step 30 failed: ENOSPC/);
    expect(messages(err)).not.toMatch(/EventWriter|tfevents/);
    expect((await checkStateFile(fileStorage(path))).latest).toBe('model.ckpt-20');
  });

  it('an event file that stopped being written stops training at the next checkpoint, which is saved', async () => {
    const path = dir();
    const disk = fillingDisk(path, 1_000);
    let eventsFull = false;
    const sink = eventSinkOn(() => eventsFull);
    const storage: ModelDirStorage = { ...disk, summaryWriterFor: (logdir) => new EventWriter(sink, { logdir }) };
    const est = makeEstimator({ modelDir: path, storage, saveEvery: 10, keepMax: 2, summarySteps: 1 });
    const hook = {
      afterRun(ctx: { globalStep: number }) {
        if (ctx.globalStep === 13) eventsFull = true;
      },
    };
    const err = await caught(est.train(makeInputFn(), { maxSteps: 100, hooks: [hook] }));
    est.dispose();
    expect(messages(err)).toMatch(/events\.out\.tfevents\.full-disk.*ENOSPC/);
    // Not at close() after step 100: at the first checkpoint after the failure, and that checkpoint is on disk.
    expect(est.globalStep).toBe(20);
    expect((await checkStateFile(fileStorage(path))).latest).toBe('model.ckpt-20');
    // Nothing was appended after the failed append.
    const appendsAfterFailure = sink.attempts - sink.chunks.length;
    expect(appendsAfterFailure).toBe(1);
  });

  const mountPoint = join(tempModelDir('estimatorjs-tmpfs-').dir);
  let mounted = false;
  let why = '';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48k', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
    cleanups.push(() => {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
      rmSync(mountPoint, { recursive: true, force: true });
    });
  } catch (e) {
    why = String((e as { stderr?: Buffer }).stderr ?? e).trim();
    rmSync(mountPoint, { recursive: true, force: true });
  }
  const tmpfs: Tool = {
    name: 'a 48 KiB tmpfs (mount -t tmpfs)',
    missing: mounted ? null : `mount -t tmpfs failed: ${why}`,
    install: 'run the tests as root (.ci/run does), or in a container with CAP_SYS_ADMIN',
  };
  itWithTool(
    { describe, it },
    tmpfs,
    'a real full disk (a 48 KiB tmpfs) stops training with a clear error and keeps the last checkpoint',
    async () => {
      const path = join(mountPoint, 'model');
      mkdirSync(path);
      // keepMax null keeps every checkpoint, so the disk fills after a few saves.
      const est = makeEstimator({ modelDir: path, saveEvery: 5, keepMax: null, summarySteps: 1_000_000 });
      const err = await caught(est.train(makeInputFn(), { maxSteps: 10_000 }));
      // Whichever write hits the full disk first (a checkpoint file or the event file) names its path; a
      // checkpoint's error names the step it was saving.
      expect(messages(err)).toMatch(/disk is full|ENOSPC/);
      expect(messages(err)).toContain(path);
      if (!/tfevents/.test(err.message)) expect(err.message).toMatch(/Saving a checkpoint at step \d+ failed/);
      // The event file holds whole records only: a torn append was cut back off.
      for (const file of await listEventFiles(path)) for await (const _ of readEvents(file)) void _;
      expect(est.globalStep).toBeLessThan(10_000);
      est.dispose();
      const state = await readCheckpointState(fileStorage(path));
      expect(state).not.toBeNull();
      const latest = await checkStateFile(fileStorage(path));
      expect(latest.step).toBeGreaterThan(0);
      expect((await checkpointValues(fileStorage(path), latest.latest!)).globalStep).toBe(latest.step);
    },
  );
});

describe('NaN and Inf loss', () => {
  for (const [value, poison] of [
    [Number.NaN, Number.NaN],
    [Number.POSITIVE_INFINITY, 1],
  ]) {
    it(`NanTensorHook fails at the step whose loss is ${value}, and the last good checkpoint is untouched`, async () => {
      const path = dir();
      const storage = fileStorage(path);
      const params = { lossShift: 'max' } as const;
      const est = makeEstimator({ modelDir: path, storage, saveEvery: 10, keepMax: 3, params });
      // Element 24 of the input is step 25's batch; its features give a NaN loss, or (all ones) an infinite one.
      const before = tf.memory().numTensors;
      const err = await caught(est.train(makeInputFn({ step: 24, value: poison! }), { maxSteps: 100 }));
      expect(messages(err)).toMatch(/NaN loss/);
      expect(messages(err)).toMatch(new RegExp(`loss = ${value} at step 25\\b`));
      expect(est.globalStep).toBe(25);
      est.dispose();
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
      const state = await checkStateFile(storage);
      expect(state.latest).toBe('model.ckpt-20');
      const { values } = await checkpointValues(storage, 'model.ckpt-20');
      for (const [name, v] of values) expect(v.every(Number.isFinite), name).toBe(true);
      // No checkpoint of a non-finite model was written.
      expect((await storage.list()).filter((f) => /ckpt-(2[1-9]|[3-9]\d)\./.test(f))).toEqual([]);
    });
  }
});
