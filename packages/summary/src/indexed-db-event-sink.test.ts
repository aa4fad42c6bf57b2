import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expectEventFiles, itWithTool, tempModelDir } from '@estimatorjs/testing';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createBrowserWriter } from './create-browser-writer.js';
import { scalarValue } from './event-decoder.js';
import {
  deleteIndexedDbEventFiles,
  eventFilesAsBlobs,
  listIndexedDbEventFiles,
  readIndexedDbEventFile,
} from './indexed-db-event-sink.js';
import { pythonChecker, runChecker } from './node/checker.test-util.js';
import { readEventRecords } from './read-event-records.js';

describe('IndexedDB event files', () => {
  it('stores appended chunks and reads them back as one file', async () => {
    const indexedDB = new IDBFactory();
    const w = createBrowserWriter('runs/a', { indexedDB, host: 'test', flushSecs: 0 });
    w.scalar('loss', 1, 1);
    await w.flush();
    w.scalar('loss', 0.5, 2);
    await w.close();
    const files = await listIndexedDbEventFiles({ indexedDB });
    expect(files).toHaveLength(1);
    expect(files[0]!.name).toMatch(/^runs\/a\/events\.out\.tfevents\.\d+\.test$/);
    expect(files[0]!.logdir).toBe('runs/a');
    const bytes = await readIndexedDbEventFile(files[0]!.name, { indexedDB });
    expect(files[0]!.size).toBe(bytes.length);
    const values = readEventRecords(bytes).flatMap((e) => e.summary?.value ?? []);
    expect(values.map(scalarValue)).toEqual([1, 0.5]);
  });

  it('keeps two writers of the same logdir and second apart, and filters by logdir', async () => {
    const indexedDB = new IDBFactory();
    const a = createBrowserWriter('runs/b', { indexedDB, host: 'h', flushSecs: 0 });
    const b = createBrowserWriter('runs/b/', { indexedDB, host: 'h', flushSecs: 0 });
    const c = createBrowserWriter('runs/bb', { indexedDB, host: 'h', flushSecs: 0 });
    await Promise.all([a.close(), b.close(), c.close()]);
    const names = (await listIndexedDbEventFiles({ indexedDB, logdir: 'runs/b' })).map((f) => f.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    expect(await deleteIndexedDbEventFiles({ indexedDB, logdir: 'runs/b' })).toBe(2);
    expect(await listIndexedDbEventFiles({ indexedDB })).toHaveLength(1);
    await expect(readIndexedDbEventFile('runs/b/nope', { indexedDB })).rejects.toThrow(/no event file named/);
  });

  /** Writes a browser run into IndexedDB, downloads it as Blobs and saves them under a temp dir. */
  async function downloadedRun(): Promise<{ dir: string; cleanup: () => void }> {
    const indexedDB = new IDBFactory();
    const train = createBrowserWriter('mnist', { indexedDB, flushSecs: 0 });
    const evalW = createBrowserWriter('mnist/eval', { indexedDB, flushSecs: 0 });
    for (let s = 1; s <= 3; s++) train.scalar('loss', 1 / s, s);
    train.histogram('w', [0.1, 0.2, 0.3, 0.4], 3);
    train.text('notes', 'from the browser', 3);
    evalW.scalar('accuracy', 0.8, 3);
    await Promise.all([train.close(), evalW.close()]);
    const { dir, cleanup } = tempModelDir('summary-idb-');
    for (const { name, blob } of await eventFilesAsBlobs({ indexedDB, logdir: 'mnist' })) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, new Uint8Array(await blob.arrayBuffer()));
    }
    return { dir: join(dir, 'mnist'), cleanup };
  }

  it('downloads Blobs that the independent oracle accepts strictly, eval/ as its own run', async () => {
    const { dir, cleanup } = await downloadedRun();
    try {
      const report = expectEventFiles(dir, {
        strict: true,
        expect: ['./loss', 'eval/accuracy', './w@histogram', './notes@text'],
      });
      expect(report.issues).toEqual([]);
      expect(report.runs['.']!.tags.loss!.points.map((p) => p.step)).toEqual([1, 2, 3]);
      expect(report.runs.eval!.tags.accuracy!.points.map((p) => p.value)).toEqual([Math.fround(0.8)]);
    } finally {
      cleanup();
    }
  });

  itWithTool({ describe, it }, pythonChecker, 'downloads Blobs that tfevents_check.py --strict accepts', async () => {
    const { dir, cleanup } = await downloadedRun();
    try {
      const r = runChecker(
        dir,
        '--strict',
        '--expect',
        './loss',
        '--expect',
        'eval/accuracy',
        '--expect',
        './w@histogram',
      );
      expect(r.report.issues).toEqual([]);
      expect(r.status).toBe(0);
    } finally {
      cleanup();
    }
  });

  it('says how to fix a missing IndexedDB', () => {
    expect(() => createBrowserWriter('x')).toThrow(/IndexedDB is not available here.*createFileWriter/);
  });
});
