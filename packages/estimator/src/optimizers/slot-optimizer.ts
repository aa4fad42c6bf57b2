import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';

type NamedTensor = { name: string; tensor: tf.Tensor };

/**
 * One TF update rule (`training_ops.cc`'s Apply* kernels) over per-variable slots and optional non-slot scalars.
 * `apply` returns the new variable and slot values; the optimizer assigns them.
 */
export interface UpdateRule {
  /** TF's optimizer name: slot k of `dense/kernel` is saved as `dense/kernel/<name>` (k = 0), `…/<name>_k` after. */
  readonly name: string;
  /** Initial values of each slot for a variable (e.g. FTRL's accumulator, then its linear term). */
  readonly slots: readonly ((v: tf.Variable) => tf.Tensor)[];
  /**
   * Slot suffixes an earlier estimator-js release (tfjs' own optimizer) saved, by slot index, read so older
   * checkpoints still resume (e.g. Adadelta's `accum_grad`, `accum_var`). tfjs' `iter` count is dropped on read.
   */
  readonly legacySlotSuffixes?: readonly string[];
  /** Non-slot names an earlier release saved, mapped to the TF names (tfjs Adam's `accBeta1` → `beta1_power`). */
  readonly legacyNonSlots?: Readonly<Record<string, string>>;
  /** Non-slot scalars by TF name, with their initial values (e.g. AdaMax's `beta1_power`). */
  readonly nonSlots?: Readonly<Record<string, number>>;
  /**
   * Tensors every variable's update uses alike (Adam's bias-corrected rate, the rule's constants), computed once
   * per step instead of once per variable: each small kernel costs the same engine bookkeeping as a big one.
   */
  shared?(args: {
    readonly lr: number;
    readonly nonSlots: Readonly<Record<string, tf.Tensor>>;
    readonly step: number;
  }): Readonly<Record<string, tf.Tensor>>;
  apply(args: {
    readonly v: tf.Tensor;
    readonly g: tf.Tensor;
    readonly slots: readonly tf.Tensor[];
    readonly lr: number;
    readonly nonSlots: Readonly<Record<string, tf.Tensor>>;
    /** The global step this update trains (TF's `global_step + 1`). */
    readonly step: number;
    /** What `shared` returned for this step (empty without it). */
    readonly shared: Readonly<Record<string, tf.Tensor>>;
  }): { v: tf.Tensor; slots: tf.Tensor[] };
  /** New non-slot values after every variable was updated (e.g. `beta1_power *= beta1`). */
  finish?(nonSlots: Readonly<Record<string, tf.Tensor>>): Record<string, tf.Tensor>;
  /** The same update as one kernel per variable, used on the backends that register it. */
  readonly fused?: FusedUpdate;
}

/**
 * A rule's update as one tfjs kernel per variable (e.g. `@estimatorjs/io`'s `APPLY_ADAM_KERNEL`), bit-identical to
 * `apply`: where the active backend registers `kernelName`, every float32 variable is updated by it, and the
 * per-step scalars (`shared`, `finish`) are computed in JavaScript from the non-slots' float32 values instead of by
 * a dozen scalar kernels. Backends without the kernel (webgl, webgpu, tensorflow) run `apply` and the tensor
 * `shared`/`finish` as before.
 */
export interface FusedUpdate {
  readonly kernelName: string;
  /** The kernel's inputs; its outputs are the new variable, then the new slots in order. */
  inputs(args: {
    readonly v: tf.Tensor;
    readonly g: tf.Tensor;
    readonly slots: readonly tf.Tensor[];
  }): tf.NamedTensorMap;
  /**
   * The kernel's attributes for this step, from the non-slots' current values. Arithmetic on float32 values must
   * round each operation with `Math.fround` to give what the tensor `shared` gives (exact for + − × ÷ √).
   */
  attrs(args: {
    readonly lr: number;
    readonly nonSlots: Readonly<Record<string, number>>;
    readonly step: number;
  }): tf.NamedAttrMap;
  /** New non-slot values as `finish` computes them, in `Math.fround` arithmetic. */
  finish?(nonSlots: Readonly<Record<string, number>>): Record<string, number>;
}

/**
 * A tfjs optimizer running an {@link UpdateRule}, with TF's slot names so checkpoints read like TF's
 * (`dense/kernel/Ftrl`, `dense/kernel/Ftrl_1`). Owns: the slot and non-slot variables. The Estimator sets
 * `learningRate` and `globalStep` before each apply.
 */
export class SlotOptimizer extends tf.Optimizer {
  static className = 'EstimatorSlotOptimizer';
  /** The global step before this update (the Estimator's); the rule sees `globalStep + 1`, as TF's kernels do. */
  globalStep = 0;
  private readonly slots = new Map<string, tf.Variable[]>();
  private readonly nonSlots: Record<string, tf.Variable> = {};
  /**
   * The non-slots' values as numbers, each valid while its variable still holds the buffer it was read from or
   * written with (any other assign, e.g. a restore, gives the variable a new buffer and forces one read).
   */
  private readonly nonSlotNumbers = new Map<string, { dataId: object; value: number }>();

  constructor(
    private readonly rule: UpdateRule,
    public learningRate: number,
  ) {
    super();
    for (const [name, value] of Object.entries(rule.nonSlots ?? {})) {
      this.nonSlots[name] = tf.tidy(() => tf.variable(tf.scalar(value), false));
    }
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const entries = Array.isArray(variableGradients)
      ? variableGradients.map((x) => [x.name, x.tensor] as const)
      : Object.entries(variableGradients);
    const registry = tf.engine().registeredVariables;
    const step = this.globalStep + 1;
    const fused = this.rule.fused && tf.getKernel(this.rule.fused.kernelName, tf.getBackend()) ? this.rule.fused : null;
    // One outer scope frees the shared tensors; each variable's own scope frees its intermediates before the next.
    tf.tidy(() => {
      const numbers = fused ? this.readNonSlots() : null;
      const attrs = fused && numbers ? fused.attrs({ lr: this.learningRate, nonSlots: numbers, step }) : null;
      let shared: Readonly<Record<string, tf.Tensor>> | null = null;
      for (const [name, g] of entries) {
        const v = registry[name];
        if (!v) throw new ModelFnError('UNKNOWN_VARIABLE', `${this.rule.name}: no variable named ${name} to update.`);
        const slots = this.slotsFor(v);
        const fuse = attrs !== null && v.dtype === 'float32' && g.dtype === 'float32';
        // In the outer scope: every variable's update uses these tensors.
        if (!fuse) shared ??= this.rule.shared?.({ lr: this.learningRate, nonSlots: this.nonSlots, step }) ?? {};
        tf.tidy(() => {
          const out = fuse
            ? this.runFused(fused!, v, g, slots, attrs)
            : this.rule.apply({ v, g, slots, lr: this.learningRate, nonSlots: this.nonSlots, step, shared: shared! });
          v.assign(out.v);
          for (const [k, s] of slots.entries()) s.assign(out.slots[k]!);
        });
      }
      if (fused?.finish && numbers) {
        for (const [name, value] of Object.entries(fused.finish(numbers))) this.writeNonSlot(name, value);
      } else if (this.rule.finish) {
        for (const [name, value] of Object.entries(this.rule.finish(this.nonSlots))) this.nonSlots[name]!.assign(value);
      }
    });
    this.incrementIterations();
  }

  private runFused(
    fused: FusedUpdate,
    v: tf.Tensor,
    g: tf.Tensor,
    slots: readonly tf.Tensor[],
    attrs: tf.NamedAttrMap,
  ): { v: tf.Tensor; slots: tf.Tensor[] } {
    const [newV, ...newSlots] = tf
      .engine()
      .runKernel(fused.kernelName, fused.inputs({ v, g, slots }), attrs) as tf.Tensor[];
    return { v: newV!, slots: newSlots };
  }

  /** The non-slots as numbers: kept from the last write, read (a copy: fused kernels run on CPU memory) otherwise. */
  private readNonSlots(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, variable] of Object.entries(this.nonSlots)) {
      let known = this.nonSlotNumbers.get(name);
      if (known?.dataId !== variable.dataId) {
        known = { dataId: variable.dataId, value: variable.dataSync()[0] as number };
        this.nonSlotNumbers.set(name, known);
      }
      out[name] = known.value;
    }
    return out;
  }

  private writeNonSlot(name: string, value: number): void {
    const variable = this.nonSlots[name]!;
    variable.assign(tf.scalar(value));
    this.nonSlotNumbers.set(name, { dataId: variable.dataId, value });
  }

  private slotsFor(v: tf.Variable): tf.Variable[] {
    let s = this.slots.get(v.name);
    if (!s) {
      s = this.rule.slots.map((init) => tf.tidy(() => tf.variable(init(v), false)));
      this.slots.set(v.name, s);
    }
    return s;
  }

  private slotName(varName: string, k: number): string {
    return `${varName}/${k === 0 ? this.rule.name : `${this.rule.name}_${k}`}`;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [];
    for (const [varName, slots] of this.slots) {
      for (const [k, s] of slots.entries()) out.push({ name: this.slotName(varName, k), tensor: s });
    }
    for (const [name, v] of Object.entries(this.nonSlots)) out.push({ name, tensor: v });
    return out;
  }

  /** Takes TF-named slot values (with or without the Estimator's engine prefix); copies them, the caller keeps its tensors. */
  override async setWeights(weights: NamedTensor[]): Promise<void> {
    const slotPattern = new RegExp(`^(.+)/${escapeRegExp(this.rule.name)}(?:_(\\d+))?$`);
    const legacy = this.rule.legacySlotSuffixes ?? [];
    for (const { name: saved, tensor } of weights) {
      if (saved === 'iter') continue;
      const old = legacy.findIndex((suffix) => saved.endsWith(`/${suffix}`));
      const name = old >= 0 ? this.slotName(saved.slice(0, saved.length - legacy[old]!.length - 1), old) : saved;
      const stripped = name.includes('/') && !slotPattern.test(name) ? name.slice(name.indexOf('/') + 1) : name;
      const bare = this.rule.legacyNonSlots?.[stripped] ?? stripped;
      if (bare in this.nonSlots) {
        this.nonSlots[bare]!.assign(tensor);
        continue;
      }
      const m = slotPattern.exec(name);
      const k = m ? Number(m[2] ?? 0) : -1;
      if (!m || k >= this.rule.slots.length) {
        throw new ModelFnError(
          'CHECKPOINT_MISMATCH',
          `${this.rule.name}: the checkpoint holds optimizer state ${JSON.stringify(name)}, which this optimizer does not have (slots ${this.rule.name}${this.rule.slots.length > 1 ? `…${this.rule.name}_${this.rule.slots.length - 1}` : ''}). Was the model trained with another optimizer?`,
        );
      }
      const varName = m[1]!;
      let slots = this.slots.get(varName);
      if (!slots) {
        slots = this.rule.slots.map(() => null as unknown as tf.Variable);
        this.slots.set(varName, slots);
      }
      // Assign into a live slot rather than replace it: the caller may still hold the old one (getWeights()).
      if (slots[k]) slots[k].assign(tensor);
      else slots[k] = tf.variable(tensor, false);
    }
    for (const [varName, slots] of this.slots) {
      if (slots.some((s) => !s)) {
        throw new ModelFnError(
          'CHECKPOINT_MISMATCH',
          `${this.rule.name}: the checkpoint holds only some of the slots of ${varName}; expected ${this.rule.slots.length}.`,
        );
      }
    }
  }

  override dispose(): void {
    for (const slots of this.slots.values()) for (const s of slots) s?.dispose();
    this.slots.clear();
    for (const v of Object.values(this.nonSlots)) v.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { name: this.rule.name, learningRate: this.learningRate };
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** TF's proximal step (`training_ops.cc`): soft-threshold by `lr * l1`, then shrink by `1 + lr * l2`. */
export function proximal(prox: tf.Tensor, lr: tf.Tensor | number, l1: number, l2: number): tf.Tensor {
  const shrink = tf.add(1, tf.mul(lr, l2));
  if (l1 > 0) return tf.div(tf.mul(tf.sign(prox), tf.relu(tf.sub(tf.abs(prox), tf.mul(lr, l1)))), shrink);
  return tf.div(prox, shrink);
}
