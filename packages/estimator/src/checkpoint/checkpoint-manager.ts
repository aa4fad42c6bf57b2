import type * as tf from '@tensorflow/tfjs-core';
import { DEFAULTS } from '../defaults.js';
import { checkpointFiles, readCheckpointState, writeCheckpoint } from './checkpoint-io.js';
import { CHECKPOINT_STATE_FILE, formatCheckpointState } from './checkpoint-state.js';
import type { ModelDirStorage } from './storage.js';

/**
 * Writes numbered checkpoints into a model directory and keeps the `checkpoint` state file and the
 * `keepCheckpointMax` most recent ones. The state file is rewritten only after the new checkpoint is
 * complete, and old files are deleted only after that, so the state file always names checkpoints that exist.
 */
export class CheckpointManager {
  constructor(
    private readonly storage: ModelDirStorage,
    private readonly keepMax: number | null,
    private readonly basename: string = DEFAULTS.checkpointBasename,
  ) {}

  /** Saves `tensors` as `<basename>-<globalStep>`; returns the prefix. */
  async save(globalStep: number, tensors: tf.NamedTensorMap, extra?: Record<string, unknown>): Promise<string> {
    const prefix = `${this.basename}-${globalStep}`;
    await writeCheckpoint(this.storage, prefix, tensors, globalStep, extra);
    const state = await readCheckpointState(this.storage);
    const kept = (state?.allModelCheckpointPaths ?? []).filter((p) => p !== prefix);
    kept.push(prefix);
    const keep = this.keepMax && this.keepMax > 0 ? kept.slice(-this.keepMax) : kept;
    await this.storage.writeAtomic(
      CHECKPOINT_STATE_FILE,
      formatCheckpointState({ modelCheckpointPath: prefix, allModelCheckpointPaths: keep }),
    );
    for (const old of kept.slice(0, kept.length - keep.length)) {
      const files = checkpointFiles(old);
      await this.storage.remove(files.manifest);
      await this.storage.remove(files.weights);
    }
    return prefix;
  }
}
