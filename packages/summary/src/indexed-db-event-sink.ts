/**
 * Event files in IndexedDB (browser): an append-only sink, and functions to list, download and delete the files.
 * Owns: the database layout (one record per file, one record per appended chunk). Does not own: encoding.
 */
import { idbRequest, idbTransactionDone, indexedDbFactory, openIdb } from '@estimatorjs/io';
import { SummaryError } from './errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import type { EventSink } from './summary-writer.js';

/** Object store of file records `{ name, logdir, created, size }`, keyed by name. */
const FILES = 'files';
/** Object store of appended chunks `{ file, bytes }`, auto-increment keys (append order), indexed by file. */
const CHUNKS = 'chunks';
const DB_VERSION = 1;

/** Default IndexedDB database name for event files. */
export const DEFAULT_SUMMARY_DB = 'estimatorjs-summaries';

/** Where event files live in IndexedDB. */
export interface IndexedDbOptions {
  /** Database name (default `estimatorjs-summaries`). */
  readonly dbName?: string;
  /** The IndexedDB factory; default `globalThis.indexedDB`. Pass one in tests (fake-indexeddb) or workers. */
  readonly indexedDB?: IDBFactory;
}

/** One event file stored in IndexedDB. */
export interface StoredEventFile {
  /** Path-like name: `<logdir>/events.out.tfevents.<secs>.<host>`. */
  readonly name: string;
  readonly logdir: string;
  /** Creation time, ms since the epoch. */
  readonly created: number;
  /** Bytes appended so far. */
  readonly size: number;
}

interface FileRecord extends StoredEventFile {}

/**
 * Appends an event file's bytes to IndexedDB, one record per flush (no read-modify-write). The file name is
 * claimed on the first append; if another writer holds it, `.1`, `.2`, … is appended to keep names unique.
 * @example
 *   const writer = new EventWriter(new IndexedDbEventSink('runs/mnist/events.out.tfevents.1700000000.browser'));
 */
export class IndexedDbEventSink implements EventSink {
  private fileName: string;
  private readonly logdir: string;
  private readonly factory: IDBFactory;
  private readonly dbName: string;
  private db: Promise<IDBDatabase> | undefined;
  private size = 0;
  private isClosed = false;

  constructor(path: string, options: IndexedDbOptions = {}) {
    checkOptionKeys('new IndexedDbEventSink()', options, KNOWN_OPTIONS.indexedDb);
    this.fileName = path;
    const slash = path.lastIndexOf('/');
    this.logdir = slash >= 0 ? path.slice(0, slash) : '.';
    this.factory = resolveFactory('new IndexedDbEventSink()', options.indexedDB);
    this.dbName = options.dbName ?? DEFAULT_SUMMARY_DB;
  }

  /** The stored file's name (final once the first append has claimed it). */
  get name(): string {
    return this.fileName;
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= (async () => {
      const db = await openDb(this.factory, this.dbName);
      const base = this.fileName;
      for (let n = 0; n < 1000; n++) {
        const name = n === 0 ? base : `${base}.${n}`;
        const tx = db.transaction(FILES, 'readwrite');
        const rec: FileRecord = { name, logdir: this.logdir, created: Date.now(), size: 0 };
        try {
          await idbRequest(tx.objectStore(FILES).add(rec));
          await idbTransactionDone(tx);
          this.fileName = name;
          return db;
        } catch (e) {
          if ((e as DOMException | null)?.name !== 'ConstraintError') throw e;
        }
      }
      throw new SummaryError('SUMMARY_IO', `IndexedDbEventSink: no free file name for '${base}' after 1000 tries.`);
    })();
    return this.db;
  }

  async append(bytes: Uint8Array): Promise<void> {
    if (this.isClosed)
      throw new SummaryError('SUMMARY_CLOSED', `IndexedDbEventSink.append(): '${this.name}' is closed.`);
    const db = await this.open();
    const tx = db.transaction([FILES, CHUNKS], 'readwrite');
    this.size += bytes.length;
    tx.objectStore(CHUNKS).add({ file: this.fileName, bytes: bytes.slice() });
    tx.objectStore(FILES).put({ name: this.fileName, logdir: this.logdir, created: Date.now(), size: this.size });
    await idbTransactionDone(tx);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.db) (await this.db).close();
  }
}

async function withDb<T>(options: IndexedDbOptions, api: string, fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const db = await openDb(resolveFactory(api, options.indexedDB), options.dbName ?? DEFAULT_SUMMARY_DB);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

/**
 * The event files stored in IndexedDB, in name order; `logdir` keeps the files under that directory (runs below it
 * included).
 * @example
 *   const files = await listIndexedDbEventFiles({ logdir: 'runs/mnist' });
 */
export function listIndexedDbEventFiles(
  options: IndexedDbOptions & { readonly logdir?: string } = {},
): Promise<StoredEventFile[]> {
  checkOptionKeys('listIndexedDbEventFiles()', options, KNOWN_OPTIONS.indexedDbFiles);
  return withDb(options, 'listIndexedDbEventFiles()', async (db) => {
    const all = (await idbRequest(db.transaction(FILES).objectStore(FILES).getAll())) as FileRecord[];
    const dir = options.logdir?.replace(/\/+$/, '');
    return all
      .filter((f) => dir === undefined || f.logdir === dir || f.logdir.startsWith(`${dir}/`))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  });
}

/**
 * The bytes of one stored event file.
 * @example
 *   const [first] = await listIndexedDbEventFiles();
 *   const events = readEventRecords(await readIndexedDbEventFile(first!.name));
 */
export function readIndexedDbEventFile(name: string, options: IndexedDbOptions = {}): Promise<Uint8Array> {
  checkOptionKeys('readIndexedDbEventFile()', options, KNOWN_OPTIONS.indexedDb);
  return withDb(options, 'readIndexedDbEventFile()', async (db) => {
    const tx = db.transaction([FILES, CHUNKS]);
    const file = (await idbRequest(tx.objectStore(FILES).get(name))) as FileRecord | undefined;
    if (!file) {
      throw new SummaryError('SUMMARY_IO', `readIndexedDbEventFile(): no event file named '${name}' in IndexedDB.`);
    }
    const chunks = (await idbRequest(tx.objectStore(CHUNKS).index('file').getAll(name))) as { bytes: Uint8Array }[];
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.bytes.length, 0));
    let pos = 0;
    for (const c of chunks) {
      out.set(c.bytes, pos);
      pos += c.bytes.length;
    }
    return out;
  });
}

/** A stored event file as a Blob, with the path to save it under. */
export interface EventFileBlob {
  /** `<logdir>/events.out.tfevents.…`: keep the directories so TensorBoard sees the runs (`eval/`, …). */
  readonly name: string;
  readonly blob: Blob;
}

/**
 * The stored event files as Blobs for download (e.g. `URL.createObjectURL(blob)` on an `<a download>` per file).
 * Save them under their `name`s and run `tensorboard --logdir <logdir>`.
 * @example
 *   for (const { name, blob } of await eventFilesAsBlobs({ logdir: 'runs/mnist' })) {
 *     const a = document.createElement('a');
 *     a.href = URL.createObjectURL(blob);
 *     a.download = name.split('/').pop()!;
 *     a.click();
 *   }
 */
export async function eventFilesAsBlobs(
  options: IndexedDbOptions & { readonly logdir?: string } = {},
): Promise<EventFileBlob[]> {
  checkOptionKeys('eventFilesAsBlobs()', options, KNOWN_OPTIONS.indexedDbFiles);
  const files = await listIndexedDbEventFiles(options);
  const out: EventFileBlob[] = [];
  for (const f of files) {
    const bytes = await readIndexedDbEventFile(f.name, { dbName: options.dbName, indexedDB: options.indexedDB });
    out.push({
      name: f.name,
      blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
    });
  }
  return out;
}

/**
 * Deletes stored event files (all, or those under `logdir`). Returns how many were deleted.
 * @example
 *   await deleteIndexedDbEventFiles({ logdir: 'runs/old' });
 */
export async function deleteIndexedDbEventFiles(
  options: IndexedDbOptions & { readonly logdir?: string } = {},
): Promise<number> {
  checkOptionKeys('deleteIndexedDbEventFiles()', options, KNOWN_OPTIONS.indexedDbFiles);
  const files = await listIndexedDbEventFiles(options);
  return withDb(options, 'deleteIndexedDbEventFiles()', async (db) => {
    const tx = db.transaction([FILES, CHUNKS], 'readwrite');
    const chunks = tx.objectStore(CHUNKS);
    for (const f of files) {
      tx.objectStore(FILES).delete(f.name);
      const keys = await idbRequest(chunks.index('file').getAllKeys(f.name));
      for (const k of keys) chunks.delete(k);
    }
    await idbTransactionDone(tx);
    return files.length;
  });
}

function resolveFactory(api: string, factory: IDBFactory | undefined): IDBFactory {
  const f = indexedDbFactory(factory);
  if (!f) {
    throw new SummaryError(
      'SUMMARY_UNSUPPORTED',
      `${api}: IndexedDB is not available here. In Node use createFileWriter() from '@estimatorjs/summary/node', or pass { indexedDB } (e.g. from fake-indexeddb).`,
    );
  }
  return f;
}

function openDb(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return openIdb(factory, name, DB_VERSION, (db) => {
    if (!db.objectStoreNames.contains(FILES)) db.createObjectStore(FILES, { keyPath: 'name' });
    if (!db.objectStoreNames.contains(CHUNKS)) {
      db.createObjectStore(CHUNKS, { autoIncrement: true }).createIndex('file', 'file');
    }
  });
}
