/**
 * makeCsvDataset from '@estimatorjs/data/node': paths and globs (TF's file_pattern, gfile.Glob rules), read in sorted
 * order; and URL sources through a real local HTTP server (what the browser build reads).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../errors.js';
import { makeCsvDataset as fromSources } from '../make-csv-dataset.js';
import { globFiles } from './glob-files.js';
import { makeCsvDataset } from './make-csv-dataset.js';

const tmp = tempModelDir('estimatorjs-csv-');
beforeAll(async () => {
  await setupTestBackend('cpu');
  mkdirSync(join(tmp.dir, 'sub'));
  writeFileSync(join(tmp.dir, 'part-1.csv'), 'id,label\n1,a\n2,b\n');
  writeFileSync(join(tmp.dir, 'part-0.csv'), 'id,label\n0,z\n');
  writeFileSync(join(tmp.dir, 'part-x.csv'), 'id,label\n99,q\n');
  writeFileSync(join(tmp.dir, 'notes.txt'), 'not csv');
  writeFileSync(join(tmp.dir, 'packed.csv.gz'), gzipSync('id,label\n3,g\n4,h\n'));
  writeFileSync(join(tmp.dir, 'sub', 'part-2.csv'), 'id,label\n5,c\n');
});
afterAll(() => tmp.cleanup());

async function ids(ds: AsyncIterable<unknown>): Promise<number[]> {
  const out: number[] = [];
  for await (const el of ds) {
    const [x, y] = el as [Record<string, tf.Tensor>, tf.Tensor];
    out.push(...(x.id!.dataSync() as Int32Array));
    tf.dispose([x, y]);
  }
  return out;
}

describe('makeCsvDataset (Node)', () => {
  it('expands globs segment by segment (*, ?, [...]) into sorted files', async () => {
    const d = tmp.dir;
    expect(await globFiles(join(d, 'part-*.csv'))).toEqual(
      ['part-0.csv', 'part-1.csv', 'part-x.csv'].map((f) => join(d, f)),
    );
    expect(await globFiles(join(d, 'part-[0-9].csv'))).toEqual([join(d, 'part-0.csv'), join(d, 'part-1.csv')]);
    expect(await globFiles(join(d, 'part-?.csv'))).toHaveLength(3);
    expect(await globFiles(join(d, '*', 'part-*.csv'))).toEqual([join(d, 'sub', 'part-2.csv')]);
    expect(await globFiles(join(d, 'notes.txt'))).toEqual([join(d, 'notes.txt')]);
    expect(await globFiles(join(d, 'missing.csv'))).toEqual([]);
  });

  it('reads a glob of files in sorted order, and a list of paths and globs', async () => {
    const opts = { labelName: 'label', shuffle: false, numEpochs: 1 };
    expect(await ids(await makeCsvDataset(join(tmp.dir, 'part-[0-9].csv'), 10, opts))).toEqual([0, 1, 2]);
    const list = [join(tmp.dir, 'sub', 'part-2.csv'), join(tmp.dir, 'part-0.csv')];
    expect(await ids(await makeCsvDataset(list, 10, opts))).toEqual([5, 0]);
  });

  it('reads gzip files as they are (TF: compression_type GZIP)', async () => {
    const opts = { labelName: 'label', shuffle: false, numEpochs: 1 };
    expect(await ids(await makeCsvDataset(join(tmp.dir, '*.csv.gz'), 10, opts))).toEqual([3, 4]);
  });

  it('a pattern that matches nothing is NOT_FOUND naming it', async () => {
    const pattern = join(tmp.dir, 'train-*.csv');
    const e = await makeCsvDataset(pattern, 1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).code).toBe('NOT_FOUND');
    expect((e as DataError).message).toBe(
      `makeCsvDataset(): no files match "${pattern}". Expected an existing file or a glob (*, ?, [...]) that matches files.`,
    );
  });

  it('reads URLs (the browser path) from a real HTTP server, once per pass', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      res.setHeader('content-type', 'text/csv');
      res.end(req.url === '/a.csv' ? 'id,label\n7,a\n8,b\n' : 'id,label\n9,c\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ds = await fromSources([`${base}/a.csv`, new URL(`${base}/b.csv`)], 10, {
        labelName: 'label',
        shuffle: false,
        numEpochs: 2,
      });
      expect(await ids(ds)).toEqual([7, 8, 9, 7, 8, 9]);
      // the header of each, types from both (3 rows < numRowsForInference), then two passes over both
      expect(requests).toBe(2 + 2 + 4);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
