import * as tf from '@tensorflow/tfjs-core';
import { latestCheckpoint, readCheckpoint } from '../checkpoint/checkpoint-io.js';
import type { CheckpointManager } from '../checkpoint/checkpoint-manager.js';
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
  /** One tfjs optimizer per optimizer of the train op, by position (a GAN's two optimizers keep separate slots). */
  private optimizers: ({ key: string; tfOptimizer: tf.Optimizer } | undefined)[] = [];
  /** Checkpointed optimizer state waiting for its optimizer to be created, by position. */
  private pendingOptimizer = new Map<number, tf.NamedTensorMap>();

  constructor(private readonly storage: ModelDirStorage) {}

  /**
   * Makes memory match the newest checkpoint (or `prefix`) unless it already does. Returns the prefix in effect,
   * or null when the directory has no checkpoint.
   */
  async sync(prefix?: string): Promise<string | null> {
    let target = prefix ?? (await latestCheckpoint(this.storage));
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
    this.store.restore(model);
    for (const p of this.pendingOptimizer.values()) tf.dispose(p);
    this.pendingOptimizer = opt;
    if (this.optimizers.some((o) => o) && opt.size > 0) await this.applyPendingOptimizer();
    this.syncedCheckpoint = target;
    return target;
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
    const weights: { name: string; tensor: tf.Tensor }[] = [];
    for (const [name, t] of Object.entries(pending)) {
      // tfjs Adam's hidden state goes back through its properties below; our own optimizers read it by name.
      if ((HIDDEN_OPTIMIZER_STATE as readonly string[]).includes(name) && !(opt instanceof SlotOptimizer)) continue;
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
    for (const held of this.optimizers) held?.tfOptimizer.dispose();
    this.optimizers = [];
    for (const p of this.pendingOptimizer.values()) tf.dispose(p);
    this.pendingOptimizer.clear();
  }
}
