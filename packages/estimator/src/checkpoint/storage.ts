import type { SummaryWriter } from '@estimatorjs/summary';
import { CheckpointError } from '../errors.js';

/** Options of {@link ModelDirStorage.read}. */
export interface ReadOptions {
  /** Refuse files larger than this many bytes. */
  readonly maxBytes?: number;
}

/** The error for a file over a read cap; `where` names it. */
export function tooLargeError(where: string, size: number | string, maxBytes: number): CheckpointError {
  return new CheckpointError(
    'FILE_TOO_LARGE',
    `${where} has ${size} bytes; at most ${maxBytes} are expected there, so it is not read. Is it the right file?`,
  );
}

/**
 * A model directory: a flat namespace of files that checkpoints are written to.
 * Implementations: the file system (`fileStorage` from `@estimatorjs/estimator/node`), memory ({@link MemoryStorage}),
 * and IndexedDB in the browser. Writes are atomic: a reader sees the old file or the whole new one, never a part.
 */
export interface ModelDirStorage {
  /** A human-readable location, for messages (a path, or `memory://name`). */
  readonly location: string;
  /**
   * The file's bytes, or null if it does not exist. With `maxBytes`, a larger file is an error (`FILE_TOO_LARGE`)
   * raised before reading it whole; file systems also refuse anything but a regular file (a FIFO, a device).
   */
  read(name: string, options?: ReadOptions): Promise<Uint8Array | null>;
  /** Writes the whole file atomically (write aside, then rename). */
  writeAtomic(name: string, data: Uint8Array | string): Promise<void>;
  /**
   * Writes a file atomically from pieces made one after another, so the whole file never has to be in memory at
   * once (a checkpoint's tensors, one at a time). When `pieces` throws, nothing is written under `name` and the
   * error is rethrown as it is. Optional: without it, the pieces are joined and handed to `writeAtomic`.
   */
  writeAtomicFrom?(name: string, pieces: AsyncIterable<Uint8Array>): Promise<void>;
  /** The names of the files in the directory (no subdirectories). */
  list(): Promise<string[]>;
  /** Deletes a file; no error if it does not exist. */
  remove(name: string): Promise<void>;
  /** Removes what interrupted writes left behind (temporary files of dead processes). Optional. */
  sweep?(): Promise<void>;
  /**
   * Takes the directory's trainer lock, or fails with `MODEL_DIR_LOCKED` naming its live owner; resolves to the
   * release function. Optional: storages without it do not guard against two trainers.
   */
  lockForTraining?(api: string): Promise<() => Promise<void>>;
  /** True when `dir` names this same directory (TF writes absolute paths into `checkpoint` files). Optional. */
  isSameDirectory?(dir: string): boolean;
  /**
   * Where TensorBoard event files for `logdir` (the model directory or its `eval` subdirectory) go, beside the
   * checkpoints. Optional: without it, event files of an explicitly given storage stay in memory.
   */
  summaryWriterFor?(logdir: string): SummaryWriter;
}

/**
 * Rejects names that could escape the model directory (`../x`, `/etc/x`, `a/b`, empty, NUL).
 * Every storage calls this before touching a name.
 */
export function checkFileName(api: string, name: string): void {
  if (
    typeof name !== 'string' ||
    name === '' ||
    name === '.' ||
    name === '..' ||
    /[/\\\0]/.test(name) ||
    /^[a-zA-Z]:/.test(name)
  ) {
    throw new CheckpointError(
      'UNSAFE_NAME',
      `${api}: file name ${JSON.stringify(name)} is not allowed; expected a plain file name inside the model directory (no '/', '\\', '..' or drive letters).`,
    );
  }
}

/** True for a name {@link checkFileName} accepts (a state file may name checkpoints in other directories). */
export function isPlainFileName(name: string): boolean {
  try {
    checkFileName('isPlainFileName()', name);
    return true;
  } catch {
    return false;
  }
}

/**
 * A model directory kept in memory (tests, throwaway runs). Shared by name within the process, so two
 * estimators given `new MemoryStorage('x')` twice do not see each other; pass the same instance instead.
 * @example
 *   const config = new RunConfig({ modelDir: 'mem', storage: new MemoryStorage('mem') });
 */
export class MemoryStorage implements ModelDirStorage {
  readonly location: string;
  private readonly files = new Map<string, Uint8Array>();

  constructor(name = 'model') {
    this.location = `memory://${name}`;
  }

  async read(name: string, options: ReadOptions = {}): Promise<Uint8Array | null> {
    checkFileName('MemoryStorage.read()', name);
    const f = this.files.get(name);
    if (f && options.maxBytes !== undefined && f.length > options.maxBytes)
      throw tooLargeError(`${this.location}/${name}`, f.length, options.maxBytes);
    return f ? f.slice() : null;
  }

  async writeAtomic(name: string, data: Uint8Array | string): Promise<void> {
    checkFileName('MemoryStorage.writeAtomic()', name);
    this.files.set(name, typeof data === 'string' ? new TextEncoder().encode(data) : data.slice());
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }

  async remove(name: string): Promise<void> {
    checkFileName('MemoryStorage.remove()', name);
    this.files.delete(name);
  }
}
