import type * as tf from '@tensorflow/tfjs-core';
import { DEFAULTS } from '../defaults.js';
import { checkpointFiles, readCheckpointState, readManifest, writeCheckpoint } from './checkpoint-io.js';
import { CHECKPOINT_STATE_FILE, formatCheckpointState } from './checkpoint-state.js';
import { isPlainFileName, type ModelDirStorage } from './storage.js';

/** How many checkpoints to keep: the newest `keepMax`, plus one every `keepEveryNHours` (TF's two settings). */
export interface RetentionPolicy {
  readonly keepMax: number | null;
  readonly keepEveryNHours?: number;
}

/**
 * Writes numbered checkpoints into a model directory and keeps the `checkpoint` state file and the retained ones.
 * The state file is rewritten only after the new checkpoint is complete, and old files are deleted only after that,
 * so the state file always names checkpoints that exist. Only checkpoints the state file tracked are ever deleted
 * (as TF's Saver does): files it does not name — another run's, or what a crash between the state-file update and
 * the deletions left — stay on disk.
 * @example
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   const manager = new CheckpointManager(fileStorage(modelDir), { keepMax: 5 });
 *   const prefix = await manager.save(100, { w: tf.zeros([2]) }); // 'model.ckpt-100'
 */
export class CheckpointManager {
  private readonly policy: RetentionPolicy;

  constructor(
    private readonly storage: ModelDirStorage,
    policy: RetentionPolicy | number | null,
    private readonly basename: string = DEFAULTS.checkpointBasename,
  ) {
    this.policy = typeof policy === 'object' && policy !== null ? policy : { keepMax: policy };
  }

  /** Saves `tensors` as `<basename>-<globalStep>`; returns the prefix. */
  async save(globalStep: number, tensors: tf.NamedTensorMap, extra?: Record<string, unknown>): Promise<string> {
    const prefix = `${this.basename}-${globalStep}`;
    await writeCheckpoint(this.storage, prefix, tensors, globalStep, extra);
    const state = await readCheckpointState(this.storage);
    const previous = (state?.allModelCheckpointPaths ?? []).filter((p) => p !== prefix);
    const all = [...previous, prefix];
    const keepMax = this.policy.keepMax && this.policy.keepMax > 0 ? this.policy.keepMax : all.length;
    const keep = all.slice(-keepMax);
    const dropped = all.slice(0, all.length - keep.length);
    const removable = await this.notPreservedByAge(dropped);
    // Checkpoints kept for their age stay listed, oldest first, so tools can still find them.
    const listed = [...dropped.filter((p) => !removable.includes(p)), ...keep];
    try {
      await this.storage.writeAtomic(
        CHECKPOINT_STATE_FILE,
        formatCheckpointState({ modelCheckpointPath: prefix, allModelCheckpointPaths: listed }),
      );
    } catch (e) {
      // The checkpoint just written is ours and no state file names it: free its space (the disk is likely full).
      if (!state?.allModelCheckpointPaths.includes(prefix)) await this.removeCheckpoint(prefix).catch(() => {});
      throw e;
    }
    // A state file may name checkpoints elsewhere (absolute paths of another directory): never ours to delete.
    for (const old of removable) if (isPlainFileName(old)) await this.removeCheckpoint(old);
    await this.storage.sweep?.();
    return prefix;
  }

  private async removeCheckpoint(prefix: string): Promise<void> {
    const files = checkpointFiles(prefix);
    // Manifest first: a manifest without its weights would look like a corrupt checkpoint.
    await this.storage.remove(files.manifest);
    await this.storage.remove(files.weights);
  }

  /** Of the checkpoints falling out of the window, those not kept by `keepEveryNHours`. */
  private async notPreservedByAge(dropped: readonly string[]): Promise<string[]> {
    const hours = this.policy.keepEveryNHours;
    if (!hours || dropped.length === 0) return [...dropped];
    const removable: string[] = [];
    let lastKept: number | null = null;
    for (const prefix of dropped) {
      const created = await readManifest(this.storage, prefix).then(
        (m) => m.createdAt ?? null,
        () => null,
      );
      if (created !== null && (lastKept === null || created - lastKept >= hours * 3600_000)) lastKept = created;
      else removable.push(prefix);
    }
    return removable;
  }
}
