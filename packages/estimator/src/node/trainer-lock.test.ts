import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { tempModelDir } from '@estimatorjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireTrainerLock, TRAINER_LOCK_FILE } from './trainer-lock.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function dir(): string {
  const d = tempModelDir('lock-');
  cleanups.push(d.cleanup);
  return d.dir;
}
const owner = (pid: number, host = hostname()) => JSON.stringify({ pid, host, since: '2026-01-01T00:00:00.000Z' });

describe('the trainer lock', () => {
  it('is exclusive within a process too, and released by its release function only', async () => {
    const d = dir();
    const release = await acquireTrainerLock('train()', d, d);
    expect(JSON.parse(readFileSync(join(d, TRAINER_LOCK_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
    });
    await expect(acquireTrainerLock('train()', d, d)).rejects.toMatchObject({
      code: 'MODEL_DIR_LOCKED',
      message: expect.stringMatching(/this very process/),
    });
    await release();
    expect(existsSync(join(d, TRAINER_LOCK_FILE))).toBe(false);
    await (await acquireTrainerLock('train()', d, d))();
  });

  it('takes over the lock of a dead local process, and of a previous incarnation with our own pid (a restarted container)', async () => {
    const d = dir();
    // Linux pids never exceed pid_max <= 2^22, so no process has this one.
    writeFileSync(join(d, TRAINER_LOCK_FILE), owner(4_194_304 + 12_345));
    await (await acquireTrainerLock('train()', d, d))();
    writeFileSync(join(d, TRAINER_LOCK_FILE), owner(process.pid));
    await (await acquireTrainerLock('train()', d, d))();
  });

  it('does not take over a live process’s lock, nor one from another host', async () => {
    const d = dir();
    writeFileSync(join(d, TRAINER_LOCK_FILE), owner(process.ppid));
    await expect(acquireTrainerLock('Estimator.train()', d, d)).rejects.toThrow(
      new RegExp(`^Estimator\\.train\\(\\): .* is already being trained by process ${process.ppid} on host`),
    );
    writeFileSync(join(d, TRAINER_LOCK_FILE), owner(4_194_304 + 12_345, 'another-host'));
    await expect(acquireTrainerLock('Estimator.train()', d, d)).rejects.toThrow(/on host another-host/);
  });
});
