/**
 * Promise helpers over the IndexedDB API, shared by every package that keeps bytes in the browser (event files,
 * dataset caches, model directories). Owns: turning requests, transactions and opens into promises. Does not own:
 * any database's schema or errors (each caller defines its stores and says what failed in its own words).
 */

/**
 * The IndexedDB factory to use: `factory` when given (fake-indexeddb in tests, a worker's), else
 * `globalThis.indexedDB`; undefined where there is none (Node), so the caller can say what to use instead.
 * @example
 *   const f = indexedDbFactory(factory);
 *   if (!f) throw new MyError('UNAVAILABLE', 'myApi(): IndexedDB is not available here. In Node use …');
 */
export function indexedDbFactory(factory?: IDBFactory): IDBFactory | undefined {
  return factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
}

/**
 * Resolves with a request's result, rejects with its error.
 * @example
 *   const rec = await idbRequest(transaction.objectStore('files').get('events.out.tfevents.1.host'));
 */
export function idbRequest<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/**
 * Resolves once the transaction has committed; rejects when it fails or is aborted.
 * @example
 *   const tx = database.transaction('files', 'readwrite'); tx.objectStore('files').put({ name: 'a', bytes }); await idbTransactionDone(tx);
 */
export function idbTransactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // A failed request's error event reaches the transaction before `tx.error` is set: take the request's error.
    tx.onerror = (ev) => reject(tx.error ?? (ev.target as IDBRequest | null)?.error ?? new Error('transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

/**
 * Opens (creating or upgrading) database `name` at `version`; `upgrade` creates the stores that are missing.
 * While another tab holds an older version open, the open waits until that tab closes it.
 * @example
 *   const db = await openIdb(factory, 'my-db', 1, (db) => db.createObjectStore('files', { keyPath: 'name' }));
 */
export function openIdb(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: IDBDatabase) => void,
): Promise<IDBDatabase> {
  const req = factory.open(name, version);
  req.onupgradeneeded = () => upgrade(req.result);
  req.onblocked = () => {
    // Another tab holds an older version open; the open completes once it closes.
  };
  return idbRequest(req);
}
