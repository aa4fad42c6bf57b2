/** The IndexedDB helpers on fake-indexeddb (a W3C-spec implementation in JS); the browser suite runs real ones. */
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { idbRequest, idbTransactionDone, indexedDbFactory, openIdb } from './indexed-db.js';

const open = (factory: IDBFactory, version = 1) =>
  openIdb(factory, 'db', version, (db) => {
    if (!db.objectStoreNames.contains('files')) db.createObjectStore('files', { keyPath: 'name' });
    if (version >= 2) db.createObjectStore(`v${version}`);
  });

describe('IndexedDB helpers', () => {
  it('uses the factory given, else the global one (none in Node)', () => {
    const factory = new IDBFactory();
    expect(indexedDbFactory(factory)).toBe(factory);
    expect(indexedDbFactory()).toBe((globalThis as { indexedDB?: IDBFactory }).indexedDB);
    expect(typeof indexedDB === 'undefined' ? indexedDbFactory() : 'browser').toBeUndefined();
  });

  it('opens with the upgrade, then resolves requests and commits transactions', async () => {
    const factory = new IDBFactory();
    const db = await open(factory);
    expect([...db.objectStoreNames]).toEqual(['files']);
    const tx = db.transaction('files', 'readwrite');
    tx.objectStore('files').put({ name: 'a', size: 3 });
    await idbTransactionDone(tx);
    const read = db.transaction('files');
    expect(await idbRequest(read.objectStore('files').get('a'))).toEqual({ name: 'a', size: 3 });
    expect(await idbRequest(read.objectStore('files').get('missing'))).toBeUndefined();
    db.close();
    // a later version runs the upgrade again and keeps the data
    const db2 = await open(factory, 2);
    expect([...db2.objectStoreNames].sort()).toEqual(['files', 'v2']);
    expect(await idbRequest(db2.transaction('files').objectStore('files').count())).toBe(1);
    db2.close();
  });

  it('rejects a failed request and an aborted transaction', async () => {
    const db = await open(new IDBFactory());
    const tx = db.transaction('files', 'readwrite');
    const committed = idbTransactionDone(tx);
    await idbRequest(tx.objectStore('files').add({ name: 'a' }));
    const dup = idbRequest(tx.objectStore('files').add({ name: 'a' }));
    await expect(dup).rejects.toMatchObject({ name: 'ConstraintError' });
    await expect(committed).rejects.toMatchObject({ name: 'ConstraintError' });
    // nothing of the failed transaction was kept
    expect(await idbRequest(db.transaction('files').objectStore('files').count())).toBe(0);
    const aborted = db.transaction('files', 'readwrite');
    const done = idbTransactionDone(aborted);
    aborted.abort();
    await expect(done).rejects.toThrow(/aborted/);
    db.close();
  });
});
