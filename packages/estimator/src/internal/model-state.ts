import * as tf from '@tensorflow/tfjs-core';
import { latestCheckpoint, readCheckpoint } from '../checkpoint/checkpoint-io.js';
import type { CheckpointManager } from '../checkpoint/checkpoint-manager.js';
import {
  checkpointsOnDisk,
  newestVerifiedBefore,
  rebuildCheckpointState,
  untrackedCheckpointsError,
} from '../checkpoint/checkpoint-recovery.js';
import { CHECKPOINT_STATE_FILE } from '../checkpoint/checkpoint-state.js';
import type { ModelDirStorage } from '../checkpoint/storage.js';
import { CheckpointError } from '../errors.js';
import { SlotOptimizer } from '../optimizers/slot-optimizer.js';
import type { Optimizer } from '../optimizers.js';
import { VariableStore } from '../variable-store.js';

const GLOBAL_STEP = 'global_step';
/** Optimizer i's checkpoint section: `optimizer/…` for the first (as before there could be several), `optimizer_1/…`. */
const OPT_SECTION = /^optimizer(?:_(\d+))?\//;
const sectionPrefix = (i: number) => (i === 0 ? 'optimizer/' : `optimizer_${i}/`);

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
  private warnedUnverified = false;
  /** One tfjs optimizer per optimizer of the train op, by position (a GAN's two optimizers keep separate slots). */
  private optimizers: ({ key: string; tfOptimizer: tf.Optimizer } | undefined)[] = [];
  /** Checkpointed optimizer state waiting for its optimizer to be created, by position. */
  private pendingOptimizer = new Map<number, tf.NamedTensorMap>();

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
      read = await this.read(api, target);
    } catch (e) {
      // A trainer's retention deleted the latest checkpoint while we read it: take the one that replaced it.
      if (prefix !== undefined || !(e instanceof CheckpointError) || e.code !== 'CHECKPOINT_NOT_FOUND') throw e;
      target = await latestCheckpoint(this.storage);
      if (target === null || target === this.syncedCheckpoint) return target;
      read = await this.read(api, target);
    }
    const { manifest, tensors } = read;
    if (!read.verified && !this.warnedUnverified) {
      this.warnedUnverified = true;
      this.options.log?.(
        `Restoring ${target} without checksum verification: it was written in checkpoint format version ${manifest.version}, before per-tensor CRC-32C checksums. Checkpoints saved from now on carry them.`,
      );
    }
    const step = tensors[GLOBAL_STEP];
    const model: tf.NamedTensorMap = {};
    const opt = new Map<number, tf.NamedTensorMap>();
    for (const [name, t] of Object.entries(tensors)) {
      if (name === GLOBAL_STEP) continue;
      const section = OPT_SECTION.exec(name);
      if (section) {
        const i = Number(section[1] ?? 0);
        if (!opt.has(i)) opt.set(i, {});
        opt.get(i)![name.slice(section[0].length)] = t;
      } else model[name] = t;
    }
    this.globalStep = step ? (await step.data())[0]! : manifest.globalStep;
    this.restoredInputState = manifest.extra?.inputState ?? null;
    step?.dispose();
    try {
      this.store.restore(model, target);
    } catch (e) {
      for (const p of opt.values()) tf.dispose(p);
      throw e;
    }
    for (const p of this.pendingOptimizer.values()) tf.dispose(p);
    this.pendingOptimizer = opt;
    if (this.optimizers.some((o) => o) && opt.size > 0) await this.applyPendingOptimizer();
    this.syncedCheckpoint = target;
    return target;
  }

  /**
   * Reads and verifies a checkpoint. A corrupt one is an error that also names the newest older checkpoint that
   * verifies, so the user knows what to fall back to.
   */
  private async read(api: string, prefix: string): ReturnType<typeof readCheckpoint> {
    try {
      return await readCheckpoint(this.storage, prefix);
    } catch (e) {
      if (!(e instanceof CheckpointError) || e.code !== 'CORRUPT_CHECKPOINT') throw e;
      const older = await newestVerifiedBefore(this.storage, prefix);
      const advice =
        older === null
          ? 'No older checkpoint in the directory verifies.'
          : `The newest older checkpoint that verifies is ${older}: evaluate or predict from it with checkpointPath: '${older}' (--checkpoint_path=${older}), or name it in model_checkpoint_path of the 'checkpoint' file to resume training from it.`;
      throw new CheckpointError('CORRUPT_CHECKPOINT', `${api}: ${e.message} ${advice}`, { cause: e });
    }
  }

  /**
   * The tfjs optimizer for `desc`, the `index`-th optimizer of the train op, created on first use (and whenever its
   * configuration changes).
   */
  optimizerFor(desc: Optimizer, learningRate: number, index = 0): { tfOptimizer: tf.Optimizer; created: boolean } {
    const key = desc.configKey();
    const held = this.optimizers[index];
    if (held?.key === key) return { tfOptimizer: held.tfOptimizer, created: false };
    held?.tfOptimizer.dispose();
    const created = { key, tfOptimizer: desc.create(learningRate) };
    this.optimizers[index] = created;
    return { tfOptimizer: created.tfOptimizer, created: true };
  }

  /** Gives a freshly created optimizer its saved slots (Adam's m and v, the iteration count, …). */
  async applyPendingOptimizer(): Promise<void> {
    for (const [index, held] of this.optimizers.entries()) {
      const pending = this.pendingOptimizer.get(index);
      if (!held || !pending) continue;
      this.pendingOptimizer.delete(index);
      await this.restoreOptimizer(held.tfOptimizer, pending);
    }
  }

  private async restoreOptimizer(opt: tf.Optimizer, pending: tf.NamedTensorMap): Promise<void> {
    const hidden = opt as unknown as Record<string, tf.Variable | undefined>;
    let weights: { name: string; tensor: tf.Tensor }[];
    try {
      weights = opt instanceof SlotOptimizer ? this.slotsForSlotOptimizer(pending) : this.slotsByName(pending);
    } catch (e) {
      tf.dispose(pending);
      throw e;
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

  /**
   * The saved state of one of our own optimizers (TF's slot names, `dense/kernel/Adam`, plus `beta1_power`-like
   * scalars): they match slots to variables by name themselves, so names pass through, scoped like live variables.
   */
  private slotsForSlotOptimizer(pending: tf.NamedTensorMap): { name: string; tensor: tf.Tensor }[] {
    return Object.entries(pending).map(([name, tensor]) => ({
      name: name === 'iter' ? name : `${this.store.engineScope}/${name}`,
      tensor,
    }));
  }

  /**
   * The saved optimizer weights in the order the tfjs optimizer expects them: `iter`, then for each kind of slot
   * (Adam's m, then v) one per trainable variable in the order gradients reach it. tfjs matches slots to variables
   * by position; this matches them by name, so a model_fn that now creates its variables in another order still
   * gets each variable's own slots.
   */
  private slotsByName(pending: tf.NamedTensorMap): { name: string; tensor: tf.Tensor }[] {
    const vars = this.store.trainable().map((v) => this.store.logicalName(v.name));
    const byKind = new Map<string, Map<string, tf.Tensor>>();
    const weights: { name: string; tensor: tf.Tensor }[] = [];
    for (const [name, t] of Object.entries(pending)) {
      if ((HIDDEN_OPTIMIZER_STATE as readonly string[]).includes(name)) continue;
      if (name === 'iter') {
        weights.push({ name, tensor: t });
        continue;
      }
      const owner = vars.filter((v) => name.startsWith(`${v}/`)).sort((a, b) => b.length - a.length)[0];
      if (owner === undefined) {
        throw new CheckpointError(
          'VARIABLE_NOT_FOUND',
          `restore: the checkpoint holds optimizer slot ${name}, which belongs to no trainable variable of the model (it has ${vars.slice(0, 8).join(', ')}${vars.length > 8 ? ', …' : ''}).`,
        );
      }
      const kind = name.slice(owner.length + 1);
      if (!byKind.has(kind)) byKind.set(kind, new Map());
      byKind.get(kind)!.set(owner, t);
    }
    // A variable that gets no gradient has no slots; every variable that has one kind of slot has all of them.
    const withSlots = vars.filter((v) => [...byKind.values()].some((m) => m.has(v)));
    for (const [kind, slots] of byKind) {
      for (const v of withSlots) {
        const t = slots.get(v);
        if (!t) {
          throw new CheckpointError(
            'VARIABLE_NOT_FOUND',
            `restore: the checkpoint has no optimizer slot ${v}/${kind}, though it has other slots of ${v}.`,
          );
        }
        weights.push({ name: `${this.store.engineScope}/${v}/${kind}`, tensor: t });
      }
    }
    return weights;
  }

  /** Writes a checkpoint of everything at the current global step. */
  async save(manager: CheckpointManager, extra?: Record<string, unknown>): Promise<string> {
    const tensors: tf.NamedTensorMap = {};
    const owned: tf.Tensor[] = [];
    const step = tf.scalar(this.globalStep, 'int32');
    owned.push(step);
    tensors[GLOBAL_STEP] = step;
    for (const [name, v] of this.store.variables) tensors[name] = v;
    const sections = new Set([...this.optimizers.keys()].filter((i) => this.optimizers[i]));
    for (const i of this.pendingOptimizer.keys()) sections.add(i);
    for (const i of sections) {
      const prefix = sectionPrefix(i);
      const held = this.optimizers[i];
      if (!held) {
        for (const [name, t] of Object.entries(this.pendingOptimizer.get(i) ?? {})) tensors[`${prefix}${name}`] = t;
        continue;
      }
      const opt = held.tfOptimizer;
      const weights = await opt.getWeights();
      for (const w of weights) {
        const name = w.name === 'iter' ? 'iter' : this.store.logicalName(w.name);
        tensors[`${prefix}${name}`] = w.tensor;
        if (w.name === 'iter') owned.push(w.tensor);
      }
      const hidden = opt as unknown as Record<string, tf.Variable | undefined>;
      for (const key of HIDDEN_OPTIMIZER_STATE) {
        const v = hidden[key];
        if (v instanceof tf.Variable) tensors[`${prefix}${key}`] = v;
      }
    }
    try {
      const prefix = await manager.save(this.globalStep, tensors, extra);
      this.syncedCheckpoint = prefix;
      return prefix;
    } catch (e) {
      // Errors that already say which checkpoint they were saving pass through; storage errors get the step.
      if (e instanceof CheckpointError && e.message.startsWith('Saving')) throw e;
      throw new CheckpointError(
        e instanceof CheckpointError ? e.code : 'SAVE_FAILED',
        `Saving a checkpoint at step ${this.globalStep} failed: ${(e as Error).message}`,
        { cause: e },
      );
    } finally {
      tf.dispose(owned);
    }
  }

  dispose(): void {
    this.store.dispose();
    for (const held of this.optimizers) held?.tfOptimizer.dispose();
    this.optimizers = [];
    for (const p of this.pendingOptimizer.values()) tf.dispose(p);
    this.pendingOptimizer.clear();
  }
}
