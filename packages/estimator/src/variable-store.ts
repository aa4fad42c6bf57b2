import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, ModelFnError } from './errors.js';

let nextStoreId = 0;

/**
 * The variables of one Estimator, by name (`conv1/kernel`), plus the optimizer that trains them.
 * Values waiting in `pending` (read from a checkpoint) are used instead of initializers when a variable is first
 * created, so restoring does not need the model built first.
 */
export class VariableStore {
  /** Logical name → variable, in creation order (the order optimizer slots follow). */
  readonly variables = new Map<string, tf.Variable>();
  /** Checkpoint values for variables not created yet; consumed on creation. */
  readonly pending = new Map<string, tf.Tensor>();
  /** Prefix that keeps tfjs engine names unique when several estimators live in one process. */
  readonly engineScope = `est${nextStoreId++}`;
  /**
   * The checkpoint the variables were restored from. While set, a variable the model_fn creates must come from it:
   * a missing or renamed one is `VARIABLE_NOT_FOUND` (TF's NotFoundError), never a fresh initialization.
   */
  private restoredFrom: { prefix: string; names: readonly string[] } | null = null;

  /** Returns the variable `name`, creating it with `init()` (or a pending checkpoint value) the first time. */
  getOrCreate(
    name: string,
    shape: readonly number[],
    dtype: 'float32' | 'int32',
    trainable: boolean,
    init: () => tf.Tensor,
  ): tf.Variable {
    const existing = this.variables.get(name);
    if (existing) {
      if (!sameShape(existing.shape, shape)) {
        throw new ModelFnError(
          'VARIABLE_SHAPE_MISMATCH',
          `getVariable(): variable ${name} exists with shape [${existing.shape}] but was requested with shape [${shape}]. Give the layer another name, or delete the model directory if the model changed.`,
        );
      }
      return existing;
    }
    const restored = this.pending.get(name);
    if (!restored && this.restoredFrom) {
      const { prefix, names } = this.restoredFrom;
      throw new CheckpointError(
        'VARIABLE_NOT_FOUND',
        `getVariable(): the model_fn creates ${name}, which checkpoint ${prefix} does not hold (it holds ${listNames(names)}). The model changed since the checkpoint was written: use a new modelDir, or warm-start from it (warmStartFrom) to load the variables that still match.`,
      );
    }
    let initial: tf.Tensor;
    if (restored) {
      if (restored.dtype !== dtype) {
        throw new ModelFnError(
          'CHECKPOINT_DTYPE_MISMATCH',
          `getVariable(): the checkpoint holds ${name} as ${restored.dtype} but the model_fn asks for ${dtype}. The model changed since the checkpoint was written: use a new model_dir or warm-start.`,
        );
      }
      if (!sameShape(restored.shape, shape)) {
        throw new ModelFnError(
          'CHECKPOINT_SHAPE_MISMATCH',
          `getVariable(): the checkpoint holds ${name} with shape [${restored.shape}] but the model_fn asks for [${shape}]. The model changed since the checkpoint was written: use a new model_dir or warm-start.`,
        );
      }
      this.pending.delete(name);
      initial = restored;
    } else {
      initial = tf.tidy(init);
    }
    const v = tf.variable(initial, trainable, `${this.engineScope}/${name}`, dtype);
    initial.dispose();
    this.variables.set(name, v);
    return v;
  }

  /** The trainable variables in creation order. */
  trainable(): tf.Variable[] {
    return [...this.variables.values()].filter((v) => v.trainable);
  }

  /** The logical name of an engine variable name (strips the store prefix). */
  logicalName(engineName: string): string {
    const p = `${this.engineScope}/`;
    return engineName.startsWith(p) ? engineName.slice(p.length) : engineName;
  }

  /**
   * Puts checkpoint values in place: assigns existing variables, keeps the rest pending. Takes ownership. With
   * `from` (a full restore, not a warm start) every variable must be in `values`, now and when created later.
   */
  restore(values: tf.NamedTensorMap, from?: string): void {
    if (from !== undefined) {
      const missing = [...this.variables.keys()].filter((n) => !Object.hasOwn(values, n));
      if (missing.length > 0) {
        tf.dispose(values);
        throw new CheckpointError(
          'VARIABLE_NOT_FOUND',
          `restore: the model has ${listNames(missing)}, which checkpoint ${from} does not hold (it holds ${listNames(Object.keys(values))}).`,
        );
      }
      this.restoredFrom = { prefix: from, names: Object.keys(values) };
    }
    const entries = Object.entries(values);
    for (const [i, [name, t]] of entries.entries()) {
      const v = this.variables.get(name);
      if (v) {
        if (!sameShape(v.shape, t.shape) || v.dtype !== t.dtype) {
          tf.dispose(entries.slice(i).map(([, x]) => x));
          throw new ModelFnError(
            'CHECKPOINT_SHAPE_MISMATCH',
            `restore: the checkpoint holds ${name} as ${t.dtype} [${t.shape}] but the model has ${v.dtype} [${v.shape}].`,
          );
        }
        v.assign(t);
        t.dispose();
      } else {
        this.pending.get(name)?.dispose();
        this.pending.set(name, t);
      }
    }
  }

  /**
   * After the model_fn built the whole model: checkpoint values no variable took are variables the model no longer
   * has (renamed or removed), a `VARIABLE_NOT_FOUND` unless the values came from a warm start.
   */
  checkAllRestored(api: string): void {
    if (!this.restoredFrom || this.pending.size === 0) return;
    throw new CheckpointError(
      'VARIABLE_NOT_FOUND',
      `${api}: checkpoint ${this.restoredFrom.prefix} holds ${listNames([...this.pending.keys()])}, which the model_fn does not create (it creates ${listNames([...this.variables.keys()])}). The model changed since the checkpoint was written: use a new modelDir, or warm-start from it (warmStartFrom) to load the variables that still match.`,
    );
  }

  /** Frees every variable and pending value. */
  dispose(): void {
    this.restoredFrom = null;
    for (const v of this.variables.values()) v.dispose();
    for (const t of this.pending.values()) t.dispose();
    this.variables.clear();
    this.pending.clear();
  }
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 8).join(', ');
  return names.length > 8 ? `${shown} and ${names.length - 8} more` : shown || 'no variables';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
