import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from './errors.js';

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
    let initial: tf.Tensor;
    if (restored) {
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

  /** Puts checkpoint values in place: assigns existing variables, keeps the rest pending. Takes ownership. */
  restore(values: tf.NamedTensorMap): void {
    for (const [name, t] of Object.entries(values)) {
      const v = this.variables.get(name);
      if (v) {
        if (!sameShape(v.shape, t.shape)) {
          t.dispose();
          throw new ModelFnError(
            'CHECKPOINT_SHAPE_MISMATCH',
            `restore: the checkpoint holds ${name} with shape [${t.shape}] but the model has [${v.shape}].`,
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

  /** Frees every variable and pending value. */
  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    for (const t of this.pending.values()) t.dispose();
    this.variables.clear();
    this.pending.clear();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
