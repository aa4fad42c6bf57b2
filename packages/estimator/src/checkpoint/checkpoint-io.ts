import { crc32c } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.js';
import { CHECKPOINT_STATE_FILE, type CheckpointState, parseCheckpointState } from './checkpoint-state.js';
import { checkFileName, type ModelDirStorage, tooLargeError } from './storage.js';

/**
 * The manifest format version written today. 2 added `crc32c` (one checksum per weight entry); version 1
 * manifests (no checksums) still load, without verification.
 */
export const CHECKPOINT_FORMAT_VERSION = 2;

/** The manifest written beside each checkpoint's weights (JSON). */
export interface CheckpointManifest {
  readonly format: 'estimatorjs-checkpoint';
  readonly version: 1 | 2;
  readonly globalStep: number;
  readonly weightsFile: string;
  readonly byteLength: number;
  /** When the checkpoint was written (ms since the epoch); used by `keepCheckpointEveryNHours`. */
  readonly createdAt?: number;
  /** tfjs weights-manifest entries, in the order their bytes appear in the weights file. */
  readonly weights: readonly tf.io.WeightsManifestEntry[];
  /** Small JSON state that is not a tensor (e.g. the input pipeline position). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /** Version 2: the CRC-32C of each weight entry's bytes, in `weights` order (TF's index keeps one per tensor). */
  readonly crc32c?: readonly number[];
}

/** Byte ranges of each weight entry in the weights file (every supported dtype is 4 bytes wide). */
function entryRanges(weights: readonly tf.io.WeightsManifestEntry[]): { start: number; end: number }[] {
  let offset = 0;
  return weights.map((w) => {
    const start = offset;
    offset += w.shape.reduce((a, b) => a * b, 1) * 4;
    return { start, end: offset };
  });
}

/** The first non-finite value of a float32 entry, or null. */
function firstNonFinite(bytes: Uint8Array, start: number, end: number): { index: number; value: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
  for (let i = 0; i < (end - start) / 4; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) return { index: i, value: v };
  }
  return null;
}

/** Read caps: nothing read from a model directory is trusted to be small, or to be a regular file. */
const MAX_STATE_FILE_BYTES = 4 << 20;
const MAX_MANIFEST_BYTES = 64 << 20;

/** `storage.read` with a cap, enforced here too for storages that hold the bytes already (memory, IndexedDB). */
async function readCapped(storage: ModelDirStorage, name: string, maxBytes: number): Promise<Uint8Array | null> {
  const bytes = await storage.read(name, { maxBytes });
  if (bytes !== null && bytes.length > maxBytes)
    throw tooLargeError(`${storage.location}/${name}`, bytes.length, maxBytes);
  return bytes;
}

/** The manifest and weights file names of a checkpoint prefix such as `model.ckpt-300`. */
export function checkpointFiles(prefix: string): { manifest: string; weights: string } {
  return { manifest: `${prefix}.index.json`, weights: `${prefix}.weights.bin` };
}

/**
 * Writes a checkpoint: the weights file first, then the manifest that points to it, each atomically, so a crash
 * leaves either no manifest (the checkpoint does not exist) or a complete one. A NaN or infinite float value is
 * refused (`NON_FINITE_WEIGHTS`) and nothing is written under the checkpoint's names; a failed manifest write
 * removes the weights file. The values saved are those the tensors hold when the call starts. Where the storage
 * can write a file in pieces, one tensor at a time is copied out of the backend, so saving needs memory for the
 * largest tensor rather than for the whole checkpoint twice over.
 * @example
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   await writeCheckpoint(fileStorage(modelDir), 'model.ckpt-1', { w: tf.zeros([2, 2]) }, 1);
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
  const specs: tf.io.WeightsManifestEntry[] = Object.entries(tensors).map(([name, t]) => {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new CheckpointError(
        'UNSUPPORTED_DTYPE',
        `Saving checkpoint ${prefix}: ${name} is a ${t.dtype} tensor; checkpoints hold float32 and int32 tensors (cast it, or keep it out of the saved variables).`,
      );
    }
    return { name, shape: [...t.shape], dtype: t.dtype };
  });
  // Clones share the tensors' memory and keep today's values even if a variable is assigned while we write.
  const snapshot = tf.tidy(() => Object.values(tensors).map((t) => tf.clone(t)));
  const checksums: number[] = [];
  let byteLength = 0;
  async function* entryBytes(): AsyncGenerator<Uint8Array> {
    for (const [i, w] of specs.entries()) {
      const values = await snapshot[i]!.data();
      snapshot[i]!.dispose();
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      const bad = w.dtype === 'float32' ? firstNonFinite(bytes, 0, bytes.length) : null;
      if (bad) {
        throw new CheckpointError(
          'NON_FINITE_WEIGHTS',
          `Saving checkpoint ${prefix}: ${w.name} holds ${bad.value} at flat index ${bad.index}; a model with non-finite values is never saved (the previous checkpoint stays the latest). Lower the learning rate or clip gradients.`,
        );
      }
      checksums.push(crc32c(bytes, 0, bytes.length));
      byteLength += bytes.length;
      yield bytes;
    }
  }
  try {
    if (storage.writeAtomicFrom) await storage.writeAtomicFrom(files.weights, entryBytes());
    else await storage.writeAtomic(files.weights, await joined(entryBytes()));
  } finally {
    tf.dispose(snapshot);
  }
  const manifest: CheckpointManifest = {
    format: 'estimatorjs-checkpoint',
    version: CHECKPOINT_FORMAT_VERSION,
    globalStep,
    weightsFile: files.weights,
    byteLength,
    createdAt: Date.now(),
    weights: specs,
    crc32c: checksums,
    ...(extra ? { extra } : {}),
  };
  try {
    await storage.writeAtomic(files.manifest, JSON.stringify(manifest));
  } catch (e) {
    // Without its manifest the weights file is nobody's: remove it rather than leave an orphan on a full disk.
    await storage.remove(files.weights).catch(() => {});
    throw e;
  }
}

/** The pieces as one array, for storages that take a file whole. */
async function joined(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const all: Uint8Array[] = [];
  for await (const p of pieces) all.push(p);
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Reads and validates a checkpoint's manifest.
 * @example
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   const manifest = await readManifest(fileStorage(modelDir), 'model.ckpt-300');
 *   console.log(manifest.globalStep, manifest.weights.length);
 */
export async function readManifest(storage: ModelDirStorage, prefix: string): Promise<CheckpointManifest> {
  checkFileName('readManifest()', prefix);
  const files = checkpointFiles(prefix);
  const bytes = await readCapped(storage, files.manifest, MAX_MANIFEST_BYTES);
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
    (m.version !== 1 && m.version !== 2) ||
    !Array.isArray(m.weights) ||
    typeof m.weightsFile !== 'string' ||
    !Number.isSafeInteger(m.globalStep) ||
    m.globalStep < 0
  ) {
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `Checkpoint manifest ${where}: expected format 'estimatorjs-checkpoint' version 1 or 2 with an integer globalStep >= 0, weights and weightsFile.`,
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
  if (
    m.version === 2 &&
    !(
      Array.isArray(m.crc32c) &&
      m.crc32c.length === m.weights.length &&
      m.crc32c.every((c) => Number.isInteger(c) && c >= 0 && c <= 0xffffffff)
    )
  ) {
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `Checkpoint manifest ${where}: version 2 needs crc32c, one unsigned 32-bit checksum per weight entry (${m.weights.length}).`,
    );
  }
  if (expected !== m.byteLength) {
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `Checkpoint manifest ${where}: weights need ${expected} bytes but byteLength says ${m.byteLength}.`,
    );
  }
  return m;
}

/**
 * Loads every tensor of a checkpoint, verifying each against its CRC-32C (version 2 manifests; `verified` is false
 * for version 1) and the `global_step` tensor, when there is one, against the manifest and the prefix's number.
 * The caller owns the returned tensors.
 * @example
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   const { tensors, verified } = await readCheckpoint(fileStorage(modelDir), 'model.ckpt-300');
 *   tf.dispose(Object.values(tensors));
 */
export async function readCheckpoint(
  storage: ModelDirStorage,
  prefix: string,
): Promise<{ manifest: CheckpointManifest; tensors: tf.NamedTensorMap; verified: boolean }> {
  const manifest = await readManifest(storage, prefix);
  const where = `${storage.location}/${manifest.weightsFile}`;
  let bytes: Uint8Array | null;
  try {
    bytes = await readCapped(storage, manifest.weightsFile, manifest.byteLength);
  } catch (e) {
    if (!(e instanceof CheckpointError) || e.code !== 'FILE_TOO_LARGE') throw e;
    throw new CheckpointError(
      'CORRUPT_CHECKPOINT',
      `Checkpoint ${prefix}: weights file ${where} is larger than the ${manifest.byteLength} bytes its manifest expects.`,
      { cause: e },
    );
  }
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
  const ranges = entryRanges(manifest.weights);
  if (manifest.crc32c) {
    for (const [i, w] of manifest.weights.entries()) {
      const { start, end } = ranges[i]!;
      const actual = crc32c(bytes, start, end);
      if (actual !== manifest.crc32c[i]) {
        throw new CheckpointError(
          'CORRUPT_CHECKPOINT',
          `Checkpoint ${prefix}: tensor ${w.name} in ${where} (bytes ${start}-${end}) fails its CRC-32C check: the manifest says ${hex(manifest.crc32c[i]!)}, the bytes give ${hex(actual)}.`,
        );
      }
    }
  }
  checkGlobalStep(prefix, manifest, bytes, ranges);
  return { manifest, tensors: tensorsOf(bytes, manifest.weights, ranges), verified: manifest.crc32c !== undefined };
}

/**
 * The tensors of a weights file's bytes. Each is made from a view of the bytes where it lies 4-byte aligned (a
 * backend copies what it keeps elsewhere, wasm and native into their heaps), so reading a checkpoint holds the file
 * once rather than in the three copies tfjs's `decodeWeights` would make.
 */
function tensorsOf(
  bytes: Uint8Array,
  weights: readonly tf.io.WeightsManifestEntry[],
  ranges: readonly { start: number; end: number }[],
): tf.NamedTensorMap {
  const tensors: tf.NamedTensorMap = {};
  for (const [i, w] of weights.entries()) {
    const { start, end } = ranges[i]!;
    const at = bytes.byteOffset + start;
    const buffer = at % 4 === 0 ? bytes.buffer : bytes.slice(start, end).buffer;
    const offset = at % 4 === 0 ? at : 0;
    const n = (end - start) / 4;
    const values = w.dtype === 'int32' ? new Int32Array(buffer, offset, n) : new Float32Array(buffer, offset, n);
    tensors[w.name] = tf.tensor(values, w.shape, w.dtype as 'float32' | 'int32');
  }
  return tensors;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** The `global_step` tensor must be one finite integer >= 0, equal to the manifest's step and the prefix's number. */
function checkGlobalStep(
  prefix: string,
  manifest: CheckpointManifest,
  bytes: Uint8Array,
  ranges: readonly { start: number; end: number }[],
): void {
  const i = manifest.weights.findIndex((w) => w.name === 'global_step');
  const fromName = /-(\d+)$/.exec(prefix)?.[1];
  const problems: string[] = [];
  if (fromName !== undefined && Number(fromName) !== manifest.globalStep)
    problems.push(`its name says step ${fromName} but its manifest says ${manifest.globalStep}`);
  if (i >= 0) {
    const { start, end } = ranges[i]!;
    const w = manifest.weights[i]!;
    const view = new DataView(bytes.buffer, bytes.byteOffset + start, end - start);
    const value =
      end - start !== 4 ? Number.NaN : w.dtype === 'int32' ? view.getInt32(0, true) : view.getFloat32(0, true);
    if (!(Number.isSafeInteger(value) && value >= 0))
      problems.push(
        `its global_step tensor holds ${end - start === 4 ? value : `${(end - start) / 4} values`}, not one integer >= 0`,
      );
    else if (value !== manifest.globalStep)
      problems.push(`its global_step tensor holds ${value} but its manifest says ${manifest.globalStep}`);
  }
  if (problems.length > 0)
    throw new CheckpointError('CORRUPT_CHECKPOINT', `Checkpoint ${prefix}: ${problems.join('; ')}.`);
}

/**
 * Reads the `checkpoint` state file, or null when the directory has none.
 * @example
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   const state = await readCheckpointState(fileStorage(modelDir)); // null without a state file
 *   console.log(state?.allModelCheckpointPaths);
 */
export async function readCheckpointState(storage: ModelDirStorage): Promise<CheckpointState | null> {
  const bytes = await readCapped(storage, CHECKPOINT_STATE_FILE, MAX_STATE_FILE_BYTES);
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
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   const prefix = await latestCheckpoint(fileStorage('./mnist_training')); // 'model.ckpt-300'
 */
export async function latestCheckpoint(storage: ModelDirStorage): Promise<string | null> {
  const state = await readCheckpointState(storage);
  return state?.modelCheckpointPath ?? null;
}

/**
 * Names and shapes of the variables in a checkpoint (TF's `tf.train.list_variables`).
 * @example
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   for (const [name, shape] of await listVariables(fileStorage(modelDir), 'model.ckpt-300')) console.log(name, shape);
 */
export async function listVariables(storage: ModelDirStorage, prefix: string): Promise<[string, number[]][]> {
  const m = await readManifest(storage, prefix);
  return m.weights.map((w) => [w.name, [...w.shape]]);
}

/**
 * One variable's value from a checkpoint (TF's `tf.train.load_variable`). The caller owns the tensor.
 * @example
 *   import { fileStorage } from '@estimatorjs/estimator/node';
 *   const kernel = await loadVariable(fileStorage(modelDir), 'model.ckpt-300', 'dense/kernel');
 */
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
