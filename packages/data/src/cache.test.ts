import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectPlain, expectNoLeaks, setupTestBackend, type TensorView } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { indexedDbCacheStorage } from './indexed-db-cache-storage.js';
import { fileCacheStorage } from './node/file-cache-storage.js';

let dir: string;
beforeAll(async () => {
  await setupTestBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'data-cache-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// dtypes matter here: a cache must give back int32 as int32
const withDtype: TensorView = (t) => ({ dtype: t.dtype, v: t.arraySync() });
const collect = (ds: AsyncIterable<unknown>) => collectPlain(ds, withDtype);

/** A source that counts how many times it was run. */
function counted() {
  const runs = { n: 0 };
  const ds = Dataset.fromGenerator(function* () {
    runs.n++;
    for (let i = 0; i < 5; i++) {
      yield {
        x: tf.tensor1d([i, i + 0.5]),
        y: tf.scalar(i, 'int32'),
        ok: tf.tensor1d([i % 2 === 0], 'bool'),
        name: tf.scalar(`row ${i}`),
        meta: [i, `s${i}`, null],
      };
    }
  });
  return { ds, runs };
}

describe('cache(path) with files (the Node default)', () => {
  it('writes on the first complete pass, then reads the file (in this dataset and a fresh one)', async () => {
    const path = join(dir, 'a', 'train.cache');
    const { ds, runs } = counted();
    const cached = ds.cache(path);
    await expectNoLeaks(async () => {
      const first = await collect(cached);
      expect(runs.n).toBe(1);
      expect(await collect(cached)).toEqual(first);
      expect(await collect(cached.repeat(2))).toEqual([...first, ...first]);
      expect(runs.n).toBe(1);
      // another pipeline (another process, say) finds the file and never runs its input
      const other = counted();
      expect(await collect(other.ds.cache(path, { storage: fileCacheStorage() }))).toEqual(first);
      expect(other.runs.n).toBe(0);
      expect(first[2]).toEqual({
        x: { dtype: 'float32', v: [2, 2.5] },
        y: { dtype: 'int32', v: 2 },
        ok: { dtype: 'bool', v: [1] },
        name: { dtype: 'string', v: 'row 2' },
        meta: [2, 's2', null],
      });
    });
    expect(readdirSync(join(dir, 'a'))).toEqual(['train.cache']);
    expect(new TextDecoder().decode(readFileSync(path).subarray(0, 8))).toBe('EJSDCACH');
  });

  it('discards a partial first pass: no file, no temp file, nothing leaked', async () => {
    const path = join(dir, 'b', 'partial.cache');
    const { ds, runs } = counted();
    const cached = ds.cache(path);
    await expectNoLeaks(async () => {
      for await (const x of cached) {
        tf.dispose(x as unknown as tf.TensorContainer);
        break;
      }
    });
    expect(readdirSync(join(dir, 'b'))).toEqual([]);
    expect((await collect(cached)).length).toBe(5);
    expect(runs.n).toBe(2);
  });

  it('keeps the fast path semantics: a cached shuffled slice pipeline replays the first epoch', async () => {
    const path = join(dir, 'c.cache');
    const ds = Dataset.fromTensorSlices(tf.range(0, 12)).shuffle(12, { seed: 1 }).batch(4).cache(path);
    const a = await collect(ds);
    expect(await collect(ds)).toEqual(a);
    expect((a as { v: number[] }[]).flatMap((b) => b.v).sort((p, q) => p - q)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
  });

  it('reports a corrupted byte with its offset, a cut file, and another format version', async () => {
    const path = join(dir, 'd.cache');
    const ds = Dataset.fromTensorSlices(tf.range(0, 6)).cache(path);
    await collect(ds);
    const good = readFileSync(path);
    const bad = Uint8Array.from(good);
    bad[40] = (bad[40]! + 1) % 256;
    writeFileSync(path, bad);
    await expectNoLeaks(async () => {
      const e = await collect(ds).catch((err) => err);
      expect(e).toBeInstanceOf(DataError);
      expect(e.code).toBe('DATA_LOSS');
      expect(e.message).toMatch(
        /^Dataset\.cache\(\): the cache file '.*d\.cache' is corrupted in element \d at byte offset \d+/,
      );
    });
    writeFileSync(path, good.subarray(0, good.length - 3));
    await expect(collect(ds)).rejects.toThrow(/truncated in its end marker/);
    const v2 = Uint8Array.from(good);
    v2[8] = 2;
    writeFileSync(path, v2);
    await expect(collect(ds)).rejects.toThrow(/has format version 2; this version reads 1/);
  });

  it('says what it expected for a bad path', () => {
    expect(() => Dataset.range(3).cache(3 as unknown as string)).toThrow(/Dataset.cache\(\): expected a path string/);
  });
});

describe('cache(path) in IndexedDB', () => {
  it('writes atomically, reads back, and a rewrite replaces the old chunks', async () => {
    const indexedDB = new IDBFactory();
    const storage = indexedDbCacheStorage({ indexedDB, dbName: 't' });
    const { ds, runs } = counted();
    const cached = ds.cache('mnist', { storage });
    await expectNoLeaks(async () => {
      const first = await collect(cached);
      expect(await collect(cached)).toEqual(first);
      expect(runs.n).toBe(1);
      expect(
        await collect(counted().ds.cache('mnist', { storage: indexedDbCacheStorage({ indexedDB, dbName: 't' }) })),
      ).toEqual(first);
    });
    // a partial pass leaves nothing behind
    const fresh = counted();
    for await (const x of fresh.ds.cache('other', { storage })) {
      tf.dispose(x as unknown as tf.TensorContainer);
      break;
    }
    expect(await storage.open('other')).toBeNull();
    // a second writer replaces the entry in one transaction
    const w = await storage.create('mnist');
    await w.append(new Uint8Array([1, 2, 3]));
    await w.commit();
    const chunks: Uint8Array[] = [];
    for await (const c of (await storage.open('mnist'))!) chunks.push(c);
    expect(chunks.map((c) => [...c])).toEqual([[1, 2, 3]]);
  });
});
