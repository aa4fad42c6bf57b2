/**
 * The trainer lock of a model directory on the file system: one trainer at a time (evaluators and readers take no
 * lock). Owns: creating the lock file exclusively, naming its owner, and taking over a stale one. Does not own:
 * what training does while holding it.
 */
import { constants } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '../errors.js';

/** The lock file's name: hidden, so `list()` and TF tools never see it. */
export const TRAINER_LOCK_FILE = '.estimatorjs-trainer.lock';

/** Lock files this process holds: a lock naming our pid that is not in here is a previous incarnation's. */
const heldHere = new Set<string>();

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** Whether process `pid` on this host still exists (this process counts as alive). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    if (Number.isSafeInteger(o.pid) && typeof o.host === 'string') return o as LockOwner;
  } catch {
    // unreadable or half written: treated as stale below only when we can tell it is ours to take
  }
  return null;
}

/**
 * Creates `<dir>/.estimatorjs-trainer.lock` holding `{ pid, host, since }`, exclusively. A lock whose owner is a
 * process of this host that no longer exists (killed, crashed), or that names this process without being held by
 * it (a restarted container reuses host name and pid), is stale and taken over; a live owner, or one on another
 * host, is a `MODEL_DIR_LOCKED` error. Resolves to the release function.
 */
export async function acquireTrainerLock(api: string, dir: string, location: string): Promise<() => Promise<void>> {
  const path = join(dir, TRAINER_LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  await mkdir(dir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        await fh.writeFile(JSON.stringify(me));
        await fh.sync();
      } finally {
        await fh.close();
      }
      heldHere.add(path);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        heldHere.delete(path);
        const owner = await readOwner(path);
        if (owner?.pid === me.pid && owner.host === me.host && owner.since === me.since)
          await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CheckpointError(
          'STORAGE_IO',
          `${api}: could not create the trainer lock ${path}: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
    }
    const owner = await readOwner(path);
    // Our own pid in a lock we do not hold: a restarted container (same host name, same small pid) after a crash.
    const stale =
      owner !== null && owner.host === me.host && (owner.pid === me.pid ? !heldHere.has(path) : !isAlive(owner.pid));
    if (!stale) {
      const who = owner
        ? `process ${owner.pid} on host ${owner.host} (since ${owner.since})${owner.host === me.host && owner.pid === me.pid ? ', this very process (another Estimator is training on it)' : ''}`
        : 'an unknown owner (the lock file is unreadable)';
      throw new CheckpointError(
        'MODEL_DIR_LOCKED',
        `${api}: ${location} is already being trained by ${who}; two trainers on one modelDir would overwrite each other's checkpoints. Wait for it to finish or use another modelDir; if that process is gone, delete ${path}. Evaluators need no lock and may run beside it.`,
      );
    }
    // The owner died without releasing: take the lock over (remove, then race for O_EXCL again).
    await rm(path, { force: true });
  }
  throw new CheckpointError(
    'MODEL_DIR_LOCKED',
    `${api}: could not take the trainer lock ${path}; another trainer keeps taking it.`,
  );
}
