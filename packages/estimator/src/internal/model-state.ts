import * as tf from '@tensorflow/tfjs-core';
import { latestCheckpoint, readCheckpoint } from '../checkpoint/checkpoint-io.js';
import type { CheckpointManager } from '../checkpoint/checkpoint-manager.js';
import {
  checkpointsOnDisk,
  rebuildCheckpointState,
  untrackedCheckpointsError,
} from '../checkpoint/checkpoint-recovery.js';
import { CHECKPOINT_STATE_FILE } from '../checkpoint/checkpoint-state.js';
import type { ModelDirStorage } from '../checkpoint/storage.js';
import { CheckpointError } from '../errors.js';
import type { Optimizer } from '../optimizers.js';
import { VariableStore } from '../variable-store.js';

const GLOBAL_STEP = 'global_step';
const OPT_PREFIX = 'optimizer/';

/** Private optimizer state that tfjs' getWeights() leaves out but an exact resume needs. */
const HIDDEN_OPTIMIZER_STATE = ['accBeta1', 'accBeta2'] as const;

/**
 * The model held in memory between train/evaluate/predict calls: variables, the optimizer and the global step,
 * and which checkpoint they match. Owns: restoring from and saving to checkpoints. Does not own: the loop.
 */
export class ModelState {
  readonly store = new VariableStore();
  globalStep = 0;
  /** The checkpoint prefix the in-memory values equal, or null for a model that was never saved or restored. */
  syncedCheckpoint: string | null = null;
  /** The input position saved with the checkpoint that was restored last, if any. */
  restoredInputState: unknown = null;
  private optimizer: { key: string; tfOptimizer: tf.Optimizer } | null = null;
  private pendingOptimizer: tf.NamedTensorMap | null = null;

  constructor(
    private readonly storage: ModelDirStorage,
    private readonly options: { rebuildCheckpointState?: boolean; log?: (line: string) => void } = {},
  ) {}

  /**
   * The latest checkpoint the state file names. Without a state file, checkpoints on disk are either adopted
   * (`rebuildCheckpointState`) or an error: never silently trained over.
   */
  private async latest(api: string): Promise<string | null> {
    const latest = await latestCheckpoint(this.storage);
    if (latest !== null) return latest;
    const found = await checkpointsOnDisk(this.storage);
    if (found.length === 0) return null;
    if (!this.options.rebuildCheckpointState) throw untrackedCheckpointsError(api, this.storage, found);
    const rebuilt = await rebuildCheckpointState(this.storage);
    this.options.log?.(
      `Rebuilt the missing '${CHECKPOINT_STATE_FILE}' state file of ${this.storage.location} (RunConfig.rebuildCheckpointState): latest ${rebuilt ?? 'none'}.`,
    );
    return rebuilt;
  }

  /**
   * Makes memory match the newest checkpoint (or `prefix`) unless it already does. Returns the prefix in effect,
   * or null when the directory has no checkpoint.
   */
  async sync(prefix?: string, api = 'Estimator'): Promise<string | null> {
    let target = prefix ?? (await this.latest(api));
    if (target === null || target === this.syncedCheckpoint) return target;
    let read: Awaited<ReturnType<typeof readCheckpoint>>;
    try {
      read = await readCheckpoint(this.storage, target);
    } catch (e) {
      // A trainer's retention deleted the latest checkpoint while we read it: take the one that replaced it.
      if (prefix !== undefined || !(e instanceof CheckpointError) || e.code !== 'CHECKPOINT_NOT_FOUND') throw e;
      target = await latestCheckpoint(this.storage);
      if (target === null || target === this.syncedCheckpoint) return target;
      read = await readCheckpoint(this.storage, target);
    }
    const { manifest, tensors } = read;
    const step = tensors[GLOBAL_STEP];
    const model: tf.NamedTensorMap = {};
    const opt: tf.NamedTensorMap = {};
    for (const [name, t] of Object.entries(tensors)) {
      if (name === GLOBAL_STEP) continue;
      if (name.startsWith(OPT_PREFIX)) opt[name.slice(OPT_PREFIX.length)] = t;
      else model[name] = t;
    }
    this.globalStep = step ? (await step.data())[0]! : manifest.globalStep;
    this.restoredInputState = manifest.extra?.inputState ?? null;
    step?.dispose();
    this.store.restore(model);
    tf.dispose(this.pendingOptimizer ?? {});
    this.pendingOptimizer = Object.keys(opt).length > 0 ? opt : null;
    if (this.optimizer && this.pendingOptimizer) await this.applyPendingOptimizer();
    this.syncedCheckpoint = target;
    return target;
  }

  /** The tfjs optimizer for `desc`, created on first use (and whenever its configuration changes). */
  optimizerFor(desc: Optimizer, learningRate: number): { tfOptimizer: tf.Optimizer; created: boolean } {
    const key = desc.configKey();
    if (this.optimizer?.key === key) return { tfOptimizer: this.optimizer.tfOptimizer, created: false };
    this.optimizer?.tfOptimizer.dispose();
    this.optimizer = { key, tfOptimizer: desc.create(learningRate) };
    return { tfOptimizer: this.optimizer.tfOptimizer, created: true };
  }

  /** Gives a freshly created optimizer its saved slots (Adam's m and v, the iteration count, …). */
  async applyPendingOptimizer(): Promise<void> {
    const pending = this.pendingOptimizer;
    if (!this.optimizer || !pending) return;
    this.pendingOptimizer = null;
    const opt = this.optimizer.tfOptimizer;
    const hidden = opt as unknown as Record<string, tf.Variable | undefined>;
    const weights: { name: string; tensor: tf.Tensor }[] = [];
    for (const [name, t] of Object.entries(pending)) {
      if ((HIDDEN_OPTIMIZER_STATE as readonly string[]).includes(name)) continue;
      weights.push({ name: name === 'iter' ? name : `${this.store.engineScope}/${name}`, tensor: t });
    }
    // tfjs optimizers' setWeights replaces their slot variables without disposing the old ones (Adam's m and v
    // after a reload from a checkpoint): free every slot that is not in use afterwards, and the `iter` scalars
    // that getWeights makes.
    const before = await opt.getWeights();
    await opt.setWeights(weights);
    const after = await opt.getWeights();
    const live = new Set(after.filter((w) => w.tensor instanceof tf.Variable).map((w) => w.tensor));
    tf.dispose([...before, ...after].map((w) => w.tensor).filter((t) => !live.has(t)));
    for (const key of HIDDEN_OPTIMIZER_STATE) {
      const saved = pending[key];
      if (saved && hidden[key] instanceof tf.Variable) hidden[key].assign(saved);
    }
    tf.dispose(pending);
  }

  /** Writes a checkpoint of everything at the current global step. */
  async save(manager: CheckpointManager, extra?: Record<string, unknown>): Promise<string> {
    const tensors: tf.NamedTensorMap = {};
    const owned: tf.Tensor[] = [];
    const step = tf.scalar(this.globalStep, 'int32');
    owned.push(step);
    tensors[GLOBAL_STEP] = step;
    for (const [name, v] of this.store.variables) tensors[name] = v;
    if (this.optimizer) {
      const opt = this.optimizer.tfOptimizer;
      const weights = await opt.getWeights();
      for (const w of weights) {
        const name = w.name === 'iter' ? 'iter' : this.store.logicalName(w.name);
        tensors[`${OPT_PREFIX}${name}`] = w.tensor;
        if (w.name === 'iter') owned.push(w.tensor);
      }
      const hidden = opt as unknown as Record<string, tf.Variable | undefined>;
      for (const key of HIDDEN_OPTIMIZER_STATE) {
        const v = hidden[key];
        if (v instanceof tf.Variable) tensors[`${OPT_PREFIX}${key}`] = v;
      }
    } else if (this.pendingOptimizer) {
      for (const [name, t] of Object.entries(this.pendingOptimizer)) tensors[`${OPT_PREFIX}${name}`] = t;
    }
    try {
      const prefix = await manager.save(this.globalStep, tensors, extra);
      this.syncedCheckpoint = prefix;
      return prefix;
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw new CheckpointError(
        'SAVE_FAILED',
        `Saving a checkpoint at step ${this.globalStep} failed: ${(e as Error).message}`,
        { cause: e },
      );
    } finally {
      tf.dispose(owned);
    }
  }

  dispose(): void {
    this.store.dispose();
    this.optimizer?.tfOptimizer.dispose();
    this.optimizer = null;
    tf.dispose(this.pendingOptimizer ?? {});
    this.pendingOptimizer = null;
  }
}
