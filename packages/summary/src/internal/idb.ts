/** Promise helpers over the IndexedDB API, and the schema of the event-file database. */
import { SummaryError } from '../errors.js';

/** Object store of file records `{ name, logdir, created, size }`, keyed by name. */
export const FILES = 'files';
/** Object store of appended chunks `{ file, bytes }`, auto-increment keys (append order), indexed by file. */
export const CHUNKS = 'chunks';
export const DB_VERSION = 1;

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

export function resolveFactory(api: string, factory: IDBFactory | undefined): IDBFactory {
  const f = factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!f) {
    throw new SummaryError(
      'SUMMARY_UNSUPPORTED',
      `${api}: IndexedDB is not available here. In Node use createFileWriter() from '@estimatorjs/summary/node', or pass { indexedDB } (e.g. from fake-indexeddb).`,
    );
  }
  return f;
}

export function openDb(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  const req = factory.open(name, DB_VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains(FILES)) db.createObjectStore(FILES, { keyPath: 'name' });
    if (!db.objectStoreNames.contains(CHUNKS)) {
      db.createObjectStore(CHUNKS, { autoIncrement: true }).createIndex('file', 'file');
    }
  };
  return request(req);
}
