/**
 * Checkpoints on disk that no `checkpoint` state file names. Owns: finding them, refusing to train over them, and
 * the explicit rebuild of a lost state file. Does not own: writing checkpoints or retention (checkpoint-manager.ts).
 */
import { DEFAULTS } from '../defaults.js';
import { CheckpointError } from '../errors.js';
import { readCheckpoint, readCheckpointState } from './checkpoint-io.js';
import { CHECKPOINT_STATE_FILE, formatCheckpointState } from './checkpoint-state.js';
import { isPlainFileName, type ModelDirStorage } from './storage.js';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The prefixes of every checkpoint whose manifest is in the directory (`model.ckpt-N.index.json`), oldest step
 * first. Says nothing about whether they load.
 */
export async function checkpointsOnDisk(
  storage: ModelDirStorage,
  basename: string = DEFAULTS.checkpointBasename,
): Promise<{ prefix: string; step: number }[]> {
  const pattern = new RegExp(`^(${escapeRegExp(basename)}-(\\d+))\\.index\\.json$`);
  const found: { prefix: string; step: number }[] = [];
  for (const name of await storage.list()) {
    const m = pattern.exec(name);
    if (m) found.push({ prefix: m[1]!, step: Number(m[2]) });
  }
  return found.sort((a, b) => a.step - b.step);
}

/**
 * The error for a model directory holding checkpoints that no state file names (the `checkpoint` file was deleted,
 * never synced, or rolled back by a restore): training from scratch there would overwrite them, so it refuses.
 */
export function untrackedCheckpointsError(
  api: string,
  storage: ModelDirStorage,
  found: readonly { prefix: string }[],
): CheckpointError {
  const newest = found.at(-1)!.prefix;
  return new CheckpointError(
    'STATE_FILE_MISSING',
    `${api}: ${storage.location} holds ${found.length} checkpoint(s) (newest ${newest}) but no '${CHECKPOINT_STATE_FILE}' state file names them, so nothing was started or deleted. To resume from ${newest}, pass RunConfig({ rebuildCheckpointState: true }) (or call rebuildCheckpointState(storage)); to start over, use another modelDir or delete the ${DEFAULTS.checkpointBasename}-* files.`,
  );
}

/**
 * Writes a new `checkpoint` state file naming every checkpoint in the directory that loads, the newest as the
 * latest (TF's `tf.train.update_checkpoint_state`, done by scanning). Refuses to replace an existing state file.
 * Returns the new latest prefix, or null when no checkpoint loads.
 * @example
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   await rebuildCheckpointState(fileStorage('./mnist_training')); // 'model.ckpt-300'
 */
export async function rebuildCheckpointState(storage: ModelDirStorage): Promise<string | null> {
  if ((await storage.read(CHECKPOINT_STATE_FILE)) !== null) {
    throw new CheckpointError(
      'STATE_FILE_EXISTS',
      `rebuildCheckpointState(): ${storage.location}/${CHECKPOINT_STATE_FILE} exists; it is only rebuilt when missing. Delete it first to rebuild it from the checkpoints on disk.`,
    );
  }
  const good: string[] = [];
  for (const { prefix } of await checkpointsOnDisk(storage)) {
    try {
      const { tensors } = await readCheckpoint(storage, prefix);
      for (const t of Object.values(tensors)) t.dispose();
      good.push(prefix);
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
    }
  }
  const latest = good.at(-1);
  if (latest === undefined) return null;
  await storage.writeAtomic(
    CHECKPOINT_STATE_FILE,
    formatCheckpointState({ modelCheckpointPath: latest, allModelCheckpointPaths: good }),
  );
  return latest;
}

/**
 * The newest checkpoint older than `prefix` that loads and verifies (state file entries and files on disk), or
 * null: what to point a user at when `prefix` is corrupt.
 */
export async function newestVerifiedBefore(storage: ModelDirStorage, prefix: string): Promise<string | null> {
  const stepOf = (p: string) => Number(/-(\d+)$/.exec(p)?.[1] ?? Number.NaN);
  const limit = stepOf(prefix);
  const candidates = new Set<string>();
  const state = await readCheckpointState(storage).catch(() => null);
  for (const p of state?.allModelCheckpointPaths ?? []) candidates.add(p);
  for (const { prefix: p } of await checkpointsOnDisk(storage).catch(() => [])) candidates.add(p);
  const older = [...candidates]
    .filter((p) => p !== prefix && isPlainFileName(p) && (Number.isNaN(limit) || stepOf(p) < limit))
    .sort((a, b) => stepOf(b) - stepOf(a));
  for (const p of older) {
    try {
      const { tensors } = await readCheckpoint(storage, p);
      for (const t of Object.values(tensors)) t.dispose();
      return p;
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
    }
  }
  return null;
}
