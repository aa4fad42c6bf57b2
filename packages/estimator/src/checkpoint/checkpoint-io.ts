import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.js';
import { CHECKPOINT_STATE_FILE, type CheckpointState, parseCheckpointState } from './checkpoint-state.js';
import { checkFileName, type ModelDirStorage } from './storage.js';

/** The manifest written beside each checkpoint's weights (JSON). */
export interface CheckpointManifest {
  readonly format: 'estimatorjs-checkpoint';
  readonly version: 1;
  readonly globalStep: number;
  readonly weightsFile: string;
  readonly byteLength: number;
  /** When the checkpoint was written (ms since the epoch); used by `keepCheckpointEveryNHours`. */
  readonly createdAt?: number;
  /** tfjs weights-manifest entries, in the order their bytes appear in the weights file. */
  readonly weights: readonly tf.io.WeightsManifestEntry[];
  /** Small JSON state that is not a tensor (e.g. the input pipeline position). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The manifest and weights file names of a checkpoint prefix such as `model.ckpt-300`. */
export function checkpointFiles(prefix: string): { manifest: string; weights: string } {
  return { manifest: `${prefix}.index.json`, weights: `${prefix}.weights.bin` };
}

/**
 * Writes a checkpoint: the weights file first, then the manifest that points to it, each atomically, so a crash
 * leaves either no manifest (the checkpoint does not exist) or a complete one.
 */
export async function writeCheckpoint(
  storage: ModelDirStorage,
  prefix: string,
  tensors: tf.NamedTensorMap,
  globalStep: number,
  extra?: Record<string, unknown>,
): Promise<void> {
  checkFileName('writeCheckpoint()', prefix);
  const files = checkpointFiles(prefix);
  const { data, specs } = await tf.io.encodeWeights(tensors);
  await storage.writeAtomic(files.weights, new Uint8Array(data));
  const manifest: CheckpointManifest = {
    format: 'estimatorjs-checkpoint',
    version: 1,
    globalStep,
    weightsFile: files.weights,
    byteLength: data.byteLength,
    createdAt: Date.now(),
    weights: specs,
    ...(extra ? { extra } : {}),
  };
  await storage.writeAtomic(files.manifest, JSON.stringify(manifest));
}

/** Reads and validates a checkpoint's manifest. */
export async function readManifest(storage: ModelDirStorage, prefix: string): Promise<CheckpointManifest> {
  checkFileName('readManifest()', prefix);
  const files = checkpointFiles(prefix);
  const bytes = await storage.read(files.manifest);
  const where = `${storage.location}/${files.manifest}`;
  if (bytes === null)
    throw new CheckpointError('CHECKPOINT_NOT_FOUND', `Checkpoint ${prefix}: ${where} does not exist.`);
  let m: CheckpointManifest;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes)) as CheckpointManifest;
  } catch (e) {
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `Checkpoint manifest ${where} is not valid JSON: ${(e as Error).message}.`,
    );
  }
  if (
    m?.format !== 'estimatorjs-checkpoint' ||
    m.version !== 1 ||
    !Array.isArray(m.weights) ||
    typeof m.weightsFile !== 'string' ||
    !Number.isSafeInteger(m.globalStep) ||
    m.globalStep < 0
  ) {
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `Checkpoint manifest ${where}: expected format 'estimatorjs-checkpoint' version 1 with an integer globalStep >= 0, weights and weightsFile.`,
    );
  }
  checkFileName(`Checkpoint manifest ${where}`, m.weightsFile);
  let expected = 0;
  const names = new Set<string>();
  for (const w of m.weights) {
    if (
      typeof w?.name !== 'string' ||
      w.name === '' ||
      names.has(w.name) ||
      w.name === '__proto__' ||
      'quantization' in w ||
      !Array.isArray(w.shape) ||
      !w.shape.every((d: number) => Number.isInteger(d) && d >= 0)
    ) {
      throw new CheckpointError(
        'CORRUPT_CHECKPOINT',
        `Checkpoint manifest ${where}: malformed weight entry ${JSON.stringify(w).slice(0, 100)}; expected a unique non-empty name, a shape of integers >= 0 and no quantization.`,
      );
    }
    names.add(w.name);
    const size = w.shape.reduce((a: number, b: number) => a * b, 1);
    if (w.dtype !== 'float32' && w.dtype !== 'int32') {
      throw new CheckpointError(
        'CORRUPT_CHECKPOINT',
        `Checkpoint manifest ${where}: weight ${w.name} has dtype ${w.dtype}; expected float32 or int32.`,
      );
    }
    expected += size * 4;
  }
  if (expected !== m.byteLength) {
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `Checkpoint manifest ${where}: weights need ${expected} bytes but byteLength says ${m.byteLength}.`,
    );
  }
  return m;
}

/** Loads every tensor of a checkpoint. The caller owns the returned tensors. */
export async function readCheckpoint(
  storage: ModelDirStorage,
  prefix: string,
): Promise<{ manifest: CheckpointManifest; tensors: tf.NamedTensorMap }> {
  const manifest = await readManifest(storage, prefix);
  const bytes = await storage.read(manifest.weightsFile);
  const where = `${storage.location}/${manifest.weightsFile}`;
  if (bytes === null) {
    // Retention may have deleted the checkpoint between the two reads (it removes the manifest first): then the
    // checkpoint is gone, not corrupt.
    if ((await storage.read(checkpointFiles(prefix).manifest)) === null) {
      throw new CheckpointError(
        'CHECKPOINT_NOT_FOUND',
        `Checkpoint ${prefix} was deleted while it was being read (a newer one replaced it).`,
      );
    }
    throw new CheckpointError('CORRUPT_CHECKPOINT', `Checkpoint ${prefix}: weights file ${where} is missing.`);
  }
  if (bytes.byteLength !== manifest.byteLength) {
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `Checkpoint ${prefix}: weights file ${where} has ${bytes.byteLength} bytes; its manifest expects ${manifest.byteLength}.`,
    );
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, [...manifest.weights]);
  return { manifest, tensors };
}

/** Reads the `checkpoint` state file, or null when the directory has none. */
export async function readCheckpointState(storage: ModelDirStorage): Promise<CheckpointState | null> {
  const bytes = await storage.read(CHECKPOINT_STATE_FILE);
  if (bytes === null) return null;
  const state = parseCheckpointState(new TextDecoder().decode(bytes), `${storage.location}/${CHECKPOINT_STATE_FILE}`);
  // TF often writes absolute paths; those that point into this very directory are plain names here.
  const local = (p: string): string => {
    const cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
    return cut >= 0 && storage.isSameDirectory?.(p.slice(0, cut) || '/') ? p.slice(cut + 1) : p;
  };
  return {
    modelCheckpointPath: local(state.modelCheckpointPath),
    allModelCheckpointPaths: state.allModelCheckpointPaths.map(local),
  };
}

/**
 * The prefix of the latest checkpoint (TF's `tf.train.latest_checkpoint`), or null when there is none.
 * @example
 *   const prefix = await latestCheckpoint(fileStorage('./mnist_training')); // 'model.ckpt-300'
 */
export async function latestCheckpoint(storage: ModelDirStorage): Promise<string | null> {
  const state = await readCheckpointState(storage);
  return state?.modelCheckpointPath ?? null;
}

/** Names and shapes of the variables in a checkpoint (TF's `tf.train.list_variables`). */
export async function listVariables(storage: ModelDirStorage, prefix: string): Promise<[string, number[]][]> {
  const m = await readManifest(storage, prefix);
  return m.weights.map((w) => [w.name, [...w.shape]]);
}

/** One variable's value from a checkpoint (TF's `tf.train.load_variable`). The caller owns the tensor. */
export async function loadVariable(storage: ModelDirStorage, prefix: string, name: string): Promise<tf.Tensor> {
  const { tensors } = await readCheckpoint(storage, prefix);
  const t = tensors[name];
  for (const [k, v] of Object.entries(tensors)) if (k !== name) v.dispose();
  if (!t)
    throw new CheckpointError(
      'VARIABLE_NOT_FOUND',
      `loadVariable(): checkpoint ${prefix} has no variable ${JSON.stringify(name)}.`,
    );
  return t;
}
