import { idbRequest, idbTransactionDone, indexedDbFactory, openIdb } from '@estimatorjs/io';
import { createBrowserWriter, type SummaryWriter } from '@estimatorjs/summary';
/**
 * IndexedDbStorage: model directories in the browser's IndexedDB.
 * Owns: the database layout (one record per file, keyed by `[modelDir, name]`). Does not own: the checkpoint format.
 */
import { CheckpointError } from '../errors.js';
import { checkFileName, type ModelDirStorage } from './storage.js';

/** Default IndexedDB database name for model directories. */
export const DEFAULT_MODEL_DB = 'estimatorjs-models';

const FILES = 'files';
const BY_DIR = 'dir';
const DB_VERSION = 1;

/** Options of {@link IndexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** Database name (default `estimatorjs-models`). */
  readonly dbName?: string;
  /** The IndexedDB factory; default `globalThis.indexedDB`. Pass one in tests (fake-indexeddb) or workers. */
  readonly indexedDB?: IDBFactory;
}

interface FileRecord {
  readonly dir: string;
  readonly name: string;
  readonly data: Uint8Array;
}

/**
 * A model directory in IndexedDB (browser): every file is one record, and each write is one `readwrite`
 * transaction, so a reader sees the old file or the whole new one, and a closed tab never leaves half a file.
 * Several model directories share one database; `modelDir` names the directory.
 * @example
 *   const storage = new IndexedDbStorage('mnist');
 *   const config = new RunConfig({ modelDir: 'mnist', storage });
 */
export class IndexedDbStorage implements ModelDirStorage {
  readonly location: string;
  /** The model directory's name inside the database. */
  readonly modelDir: string;
  private readonly factory: IDBFactory;
  private readonly dbName: string;
  private db: Promise<IDBDatabase> | undefined;

  constructor(modelDir: string, options: IndexedDbStorageOptions = {}) {
    if (typeof modelDir !== 'string' || modelDir.replace(/\/+$/, '') === '') {
      throw new CheckpointError(
        'INVALID_ARGUMENT',
        `new IndexedDbStorage(): modelDir must be a non-empty name such as 'mnist'. Received ${JSON.stringify(modelDir)}.`,
      );
    }
    this.modelDir = modelDir.replace(/\/+$/, '');
    this.dbName = options.dbName ?? DEFAULT_MODEL_DB;
    this.location = `indexeddb://${this.dbName}/${this.modelDir}`;
    const factory = indexedDbFactory(options.indexedDB);
    if (!factory) {
      throw new CheckpointError(
        'STORAGE_UNSUPPORTED',
        `new IndexedDbStorage('${this.modelDir}'): IndexedDB is not available here. In Node use fileStorage() from '@estimatorjs/estimator/node' or MemoryStorage, or pass { indexedDB } (e.g. from fake-indexeddb).`,
      );
    }
    this.factory = factory;
  }

  async read(name: string): Promise<Uint8Array | null> {
    checkFileName('IndexedDbStorage.read()', name);
    return this.run('read', name, 'readonly', async (store) => {
      const rec = (await idbRequest(store.get([this.modelDir, name]))) as FileRecord | undefined;
      return rec ? new Uint8Array(rec.data) : null;
    });
  }

  async writeAtomic(name: string, data: Uint8Array | string): Promise<void> {
    checkFileName('IndexedDbStorage.writeAtomic()', name);
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data.slice();
    const rec: FileRecord = { dir: this.modelDir, name, data: bytes };
    await this.run('write', name, 'readwrite', async (store) => {
      store.put(rec);
    });
  }

  async list(): Promise<string[]> {
    return this.run('list', '', 'readonly', async (store) => {
      const keys = (await idbRequest(store.index(BY_DIR).getAllKeys(this.modelDir))) as unknown as [string, string][];
      return keys.map((k) => k[1]).sort();
    });
  }

  async remove(name: string): Promise<void> {
    checkFileName('IndexedDbStorage.remove()', name);
    await this.run('remove', name, 'readwrite', async (store) => {
      store.delete([this.modelDir, name]);
    });
  }

  /** Deletes every file of this model directory (one transaction). Returns how many were deleted. */
  async clear(): Promise<number> {
    return this.run('clear', '', 'readwrite', async (store) => {
      const keys = await idbRequest(store.index(BY_DIR).getAllKeys(this.modelDir));
      for (const k of keys) store.delete(k);
      return keys.length;
    });
  }

  /** Event files in IndexedDB too (TensorBoard files a page can download), through the same IndexedDB factory. */
  summaryWriterFor(logdir: string): SummaryWriter {
    return createBrowserWriter(logdir, { indexedDB: this.factory });
  }

  /** Closes the database connection (it reopens on the next call). */
  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db) (await db.catch(() => null))?.close();
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= openDb(this.factory, this.dbName).then((db) => {
      // Another tab upgrading the database asks us to let go; reopen lazily on the next call.
      db.onversionchange = () => {
        db.close();
        this.db = undefined;
      };
      return db;
    });
    return this.db;
  }

  /** Runs `fn` in one transaction and resolves with its result once the transaction has committed. */
  private async run<T>(
    op: string,
    name: string,
    mode: IDBTransactionMode,
    fn: (store: IDBObjectStore) => Promise<T>,
  ): Promise<T> {
    const what = name ? `${this.location}/${name}` : this.location;
    try {
      const db = await this.open();
      const tx = db.transaction(FILES, mode);
      const committed = idbTransactionDone(tx);
      let result: T;
      try {
        result = await fn(tx.objectStore(FILES));
      } catch (e) {
        committed.catch(() => {});
        try {
          tx.abort();
        } catch {
          // already finished
        }
        throw e;
      }
      await committed;
      return result;
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      const err = e as DOMException | Error | null;
      const hint = err?.name === 'QuotaExceededError' ? ' (the browser storage quota is full)' : '';
      throw new CheckpointError(
        'STORAGE_IO',
        `IndexedDbStorage: could not ${op} ${what}${hint}: ${err?.message ?? String(e)}`,
        { cause: e },
      );
    }
  }
}

function openDb(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return openIdb(factory, name, DB_VERSION, (db) => {
    if (!db.objectStoreNames.contains(FILES)) {
      db.createObjectStore(FILES, { keyPath: ['dir', 'name'] }).createIndex(BY_DIR, 'dir');
    }
  });
}
