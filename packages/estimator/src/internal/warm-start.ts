import * as tf from '@tensorflow/tfjs-core';
import { latestCheckpoint, readCheckpoint } from '../checkpoint/checkpoint-io.js';
import type { ModelDirStorage } from '../checkpoint/storage.js';
import { CheckpointError, ConfigError } from '../errors.js';
import type { VariableStore } from '../variable-store.js';

/** TF's `WarmStartSettings`: which checkpoint, which variables, and how names changed since. */
export interface WarmStartSettings {
  /** A model directory (its latest checkpoint is used) or a checkpoint path such as `dir/model.ckpt-300`. */
  readonly ckptToInitializeFrom: string;
  /** Variables to warm-start: a regular expression over variable names (default: all model variables). */
  readonly varsToWarmStart?: RegExp | string;
  /** New variable name → its name in the old checkpoint, for variables that were renamed. */
  readonly varNameToPrevVarName?: Readonly<Record<string, string>>;
}

/** A directory or checkpoint path, or full settings. */
export type WarmStartFrom = string | WarmStartSettings;

function split(path: string): [string, string] {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? ['.', path] : [path.slice(0, i) || '/', path.slice(i + 1)];
}

/**
 * Loads the selected variables of another model's checkpoint as the initial values of this model's variables
 * (they are used when the model_fn first creates each variable). Optimizer slots and the global step are not
 * carried over, as in TF. Returns the names that were warm-started.
 */
export async function warmStart(
  store: VariableStore,
  from: WarmStartFrom,
  storageFor: (dir: string) => ModelDirStorage,
): Promise<string[]> {
  const settings: WarmStartSettings = typeof from === 'string' ? { ckptToInitializeFrom: from } : from;
  if (typeof settings?.ckptToInitializeFrom !== 'string' || settings.ckptToInitializeFrom === '') {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `new Estimator(): warmStartFrom needs a checkpoint path or model directory. Received ${JSON.stringify(from)}.`,
    );
  }
  const path = settings.ckptToInitializeFrom;
  const [dir, base] = split(path);
  let storage: ModelDirStorage;
  let prefix: string | null;
  if (/\.ckpt-\d+$/.test(base)) {
    storage = storageFor(dir);
    prefix = base;
  } else {
    storage = storageFor(path);
    prefix = await latestCheckpoint(storage);
  }
  if (prefix === null) {
    throw new CheckpointError(
      'NO_CHECKPOINT',
      `warmStartFrom: ${path} holds no checkpoint; expected a model directory with a 'checkpoint' file or a path like dir/model.ckpt-300.`,
    );
  }
  const pattern = settings.varsToWarmStart === undefined ? /.*/ : new RegExp(settings.varsToWarmStart);
  const { tensors } = await readCheckpoint(storage, prefix);
  const rename = settings.varNameToPrevVarName ?? {};
  const prevToNew = new Map<string, string[]>();
  for (const [newName, prev] of Object.entries(rename)) prevToNew.set(prev, [...(prevToNew.get(prev) ?? []), newName]);
  const used: string[] = [];
  const restore: tf.NamedTensorMap = {};
  for (const [name, t] of Object.entries(tensors)) {
    const isModelVar = name !== 'global_step' && !/^optimizer(_\d+)?\//.test(name);
    const targets = prevToNew.get(name) ?? (Object.hasOwn(rename, name) ? [] : [name]);
    const chosen = isModelVar ? targets.filter((n) => pattern.test(n)) : [];
    if (chosen.length === 0) {
      t.dispose();
      continue;
    }
    chosen.forEach((n, i) => {
      restore[n] = i === 0 ? t : tf.clone(t);
      used.push(n);
    });
  }
  for (const wanted of Object.keys(rename)) {
    if (!used.includes(wanted)) {
      store.restore(restore);
      throw new CheckpointError(
        'VARIABLE_NOT_FOUND',
        `warmStartFrom: varNameToPrevVarName maps ${wanted} to ${rename[wanted]}, which is not in ${path} (${prefix}).`,
      );
    }
  }
  store.restore(restore);
  return used.sort();
}
