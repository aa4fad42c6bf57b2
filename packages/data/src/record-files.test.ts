/**
 * Files the TF 1.x way: TFRecord ZLIB/GZIP (an unknown compression is an error), fixed-length records, file names
 * as string tensors and Datasets, and Dataset.listFiles globbing real files in Node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { collectPlain, expectNoLeaks, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';
import { fixedLengthRecordDataset } from './fixed-length-record.js';
import { setChunkSizeForTesting } from './internal/byte-stream.js';
import { encodeTFRecords, tfRecordDataset } from './tfrecord.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const RECORDS = ['alpha', 'beta', '', 'delta'.repeat(1000)];
const TFR = encodeTFRecords(RECORDS.map(enc));

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of ds) out.push(x);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

const tmp = tempModelDir('estimatorjs-records-');
beforeAll(() => setupTestBackend('cpu'));
afterAll(() => {
  setChunkSizeForTesting(0);
  tmp.cleanup();
});

describe('TFRecord compression (TF_RECORD options: "", GZIP, ZLIB)', () => {
  it('reads ZLIB (RFC 1950, as TF writes with compression_type="ZLIB"), whole and in tiny chunks', async () => {
    const z = deflateSync(TFR);
    expect(z[0]).toBe(0x78); // a zlib header, not gzip's 1f 8b
    for (const n of [0, 1, 7]) {
      setChunkSizeForTesting(n);
      expect((await collect(tfRecordDataset(z, { compressionType: 'ZLIB' }))).map(dec)).toEqual(RECORDS);
    }
    setChunkSizeForTesting(0);
  });

  it('an unknown compressionType is an error at the call, never a silent uncompressed read', () => {
    for (const bad of ['zlib', 'LZ4', 'SNAPPY', 'gzip']) {
      expect(() => tfRecordDataset(TFR, { compressionType: bad as never })).toThrow(
        new RegExp(
          `^tfRecordDataset\\(\\): unknown compressionType "${bad}"\\. Expected '' \\(none\\), 'GZIP' or 'ZLIB'`,
        ),
      );
    }
  });

  it('ZLIB data read as another format fails loudly (CRC or stream error), never yields garbage records', async () => {
    const z = deflateSync(TFR);
    const asNone = await rejection(collect(tfRecordDataset(z, { compressionType: '' })));
    expect(asNone.code).toBe('DATA_LOSS');
    expect(asNone.message).toMatch(
      /record 0 at byte offset 0.* The data starts with a zlib header: pass \{ compressionType: 'ZLIB' \}\.$/,
    );
    const asDefault = await rejection(collect(tfRecordDataset(z)));
    expect(asDefault.message).toMatch(/pass \{ compressionType: 'ZLIB' \}\.$/);
    const plainCorrupt = TFR.slice();
    plainCorrupt[20] = plainCorrupt[20]! ^ 1;
    expect((await rejection(collect(tfRecordDataset(plainCorrupt)))).message).not.toMatch(/zlib/);
    const asGzip = await rejection(collect(tfRecordDataset(z, { compressionType: 'GZIP' })));
    expect(asGzip.message).toMatch(/is not a valid gzip stream/);
    const plainAsZlib = await rejection(collect(tfRecordDataset(TFR, { compressionType: 'ZLIB' })));
    expect(plainAsZlib.message).toMatch(/^tfRecordDataset\(\): bytes is not a valid zlib stream/);
    // GZIP still round-trips
    expect((await collect(tfRecordDataset(gzipSync(TFR), { compressionType: 'GZIP' }))).map(dec)).toEqual(RECORDS);
  });
});

describe('file names as TF passes them', () => {
  const a = join(tmp.dir, 'a.tfrecord');
  const b = join(tmp.dir, 'b.tfrecord.z');
  beforeAll(() => {
    writeFileSync(a, encodeTFRecords([enc('a0'), enc('a1')]));
    writeFileSync(b, deflateSync(encodeTFRecords([enc('b0')])));
  });

  it('a path string is a file in Node; a string tensor of names and a Dataset of names work too', async () => {
    expect((await collect(tfRecordDataset(a))).map(dec)).toEqual(['a0', 'a1']);
    const names = tf.tensor1d([a, a], 'string');
    expect((await collect(tfRecordDataset(names))).map(dec)).toEqual(['a0', 'a1', 'a0', 'a1']);
    names.dispose();
    const files = Dataset.fromTensorSlices([b]);
    const got = await expectNoLeaks(() => collect(tfRecordDataset(files, { compressionType: 'ZLIB' })));
    expect(got.map(dec)).toEqual(['b0']);
  });

  it('interleave(tfRecordDataset) over fromTensorSlices([names]) as in a TF 1.x input_fn', async () => {
    const ds = Dataset.fromTensorSlices([a, a]).interleave((f) => tfRecordDataset(f), { cycleLength: 2 });
    expect(await expectNoLeaks(async () => (await collect(ds)).map(dec))).toEqual(['a0', 'a0', 'a1', 'a1']);
  });

  it('a missing file is NOT_FOUND naming the path', async () => {
    const e = await rejection(collect(tfRecordDataset(join(tmp.dir, 'nope.tfrecord'))));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain(`tfRecordDataset(): cannot read '${join(tmp.dir, 'nope.tfrecord')}' (ENOENT)`);
  });
});

describe('fixedLengthRecordDataset (tf.data.FixedLengthRecordDataset docstring)', () => {
  const f0 = join(tmp.dir, 'fixed_length0.bin');
  const f1 = join(tmp.dir, 'fixed_length1.bin');
  beforeAll(() => {
    writeFileSync(f0, enc('HEADER012345FOOTER'));
    writeFileSync(f1, enc('HEADER6789abFOOTER'));
  });

  it('record_bytes=2, header_bytes=6, footer_bytes=6 → 01 23 45 67 89 ab', async () => {
    for (const n of [0, 1, 5]) {
      setChunkSizeForTesting(n);
      const ds = fixedLengthRecordDataset([f0, f1], 2, { headerBytes: 6, footerBytes: 6 });
      expect((await collect(ds)).map(dec)).toEqual(['01', '23', '45', '67', '89', 'ab']);
    }
    setChunkSizeForTesting(0);
  });

  it('reads GZIP and ZLIB files; a body that is not whole records is DATA_LOSS naming the file', async () => {
    const gz = gzipSync(enc('HEADER012345FOOTER'));
    expect((await collect(fixedLengthRecordDataset(gz, 3, { headerBytes: 6, footerBytes: 6 }))).map(dec)).toEqual([
      '012',
      '345',
    ]);
    const z = deflateSync(enc('0123'));
    expect((await collect(fixedLengthRecordDataset(z, 2, { compressionType: 'ZLIB' }))).map(dec)).toEqual(['01', '23']);
    const e = await rejection(collect(fixedLengthRecordDataset(f0, 4, { headerBytes: 6, footerBytes: 6 })));
    expect(e.code).toBe('DATA_LOSS');
    expect(e.message).toBe(
      `fixedLengthRecordDataset(): '${f0}' has 18 bytes; after a 6-byte header and a 6-byte footer, its body of 6 bytes is not a whole number of 4-byte records. Expected header + n × recordBytes + footer bytes (is the file truncated, or recordBytes wrong?).`,
    );
    expect(() => fixedLengthRecordDataset(f0, 0)).toThrow(/expected recordBytes to be an integer >= 1\. Received 0\./);
  });
});

describe('Dataset.listFiles (TF: list_files, glob rules of tf.io.gfile.glob)', () => {
  const root = join(tmp.dir, 'glob');
  beforeAll(() => {
    mkdirSync(join(root, 'sub'), { recursive: true });
    for (const n of ['train-0.tfrecord', 'train-1.tfrecord', 'train-10.tfrecord', 'test-0.tfrecord', '.hidden']) {
      writeFileSync(join(root, n), encodeTFRecords([enc(n)]));
    }
    writeFileSync(join(root, 'sub', 'train-2.tfrecord'), encodeTFRecords([enc('sub/train-2.tfrecord')]));
  });

  it('matches *, ? and [...] within one path segment, sorted when shuffle is false', async () => {
    const names = (p: string) => expectNoLeaks(() => collectPlain(Dataset.listFiles(p, { shuffle: false })));
    expect(await names(join(root, 'train-*.tfrecord'))).toEqual(
      ['train-0', 'train-1', 'train-10'].map((n) => join(root, `${n}.tfrecord`)),
    );
    expect(await names(join(root, 'train-?.tfrecord'))).toEqual(
      ['train-0', 'train-1'].map((n) => join(root, `${n}.tfrecord`)),
    );
    expect(await names(join(root, '[t]e*'))).toEqual([join(root, 'test-0.tfrecord')]);
    expect(await names(join(root, '*', 'train-*'))).toEqual([join(root, 'sub', 'train-2.tfrecord')]);
    expect(await names(join(root, '*'))).not.toContain(join(root, '.hidden'));
    const patterns = tf.tensor1d([join(root, 'test-*'), join(root, 'sub', '*')], 'string');
    expect(await collectPlain(Dataset.listFiles(patterns, { shuffle: false }))).toEqual([
      join(root, 'sub', 'train-2.tfrecord'),
      join(root, 'test-0.tfrecord'),
    ]);
    patterns.dispose();
  });

  it('shuffles with a seed (same seed, same order; all files once) and feeds tfRecordDataset', async () => {
    const pattern = join(root, '*.tfrecord');
    const order = (seed: number) => collectPlain(Dataset.listFiles(pattern, { seed }));
    const one = (await order(3)) as string[];
    expect([...one].sort()).toEqual((await collectPlain(Dataset.listFiles(pattern, { shuffle: false }))) as string[]);
    expect(await order(3)).toEqual(one);
    const records = tfRecordDataset(Dataset.listFiles(pattern, { shuffle: false }));
    expect((await collect(records)).map(dec)).toEqual(
      ['test-0', 'train-0', 'train-1', 'train-10'].map((n) => `${n}.tfrecord`),
    );
  });

  it('no match is NOT_FOUND naming the pattern; Blobs pass through as given', async () => {
    const e = await rejection(collectPlain(Dataset.listFiles(join(root, 'nothing-*'))));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe(
      `Dataset.listFiles(): no files matched pattern '${join(root, 'nothing-*')}'. Expected at least one existing file.`,
    );
    const blob = new Blob([TFR as Uint8Array<ArrayBuffer>]);
    const blobs = await collect(Dataset.listFiles([blob], { shuffle: false }));
    expect(blobs).toEqual([blob]);
    expect((await collect(tfRecordDataset(Dataset.listFiles([blob])))).map(dec)).toEqual(RECORDS);
  });
});

describe('the browser platform (no file system)', () => {
  it('listFiles passes URLs through and refuses a wildcard pattern with a fix; strings are never read as paths', async () => {
    const browser = await import('./platform/browser.js');
    expect(await browser.matchFiles('https://example.com/data/train-0.tfrecord?sig=a')).toEqual([
      'https://example.com/data/train-0.tfrecord?sig=a',
    ]);
    await expect(browser.matchFiles('data/train-*.tfrecord')).rejects.toThrow(
      /^Dataset\.listFiles\(\): cannot glob 'data\/train-\*\.tfrecord' in the browser \(it has no file system\)\. Expected a list of URLs or Blobs\/Files/,
    );
    expect(await browser.openLocalSource('tfRecordDataset()', 'a.tfrecord')).toBeNull();
  });
});
