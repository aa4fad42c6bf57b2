import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expectNoLeaks, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvDataset, textLineDataset } from './csv.js';
import { DataError } from './errors.js';
import {
  encodeExample,
  fixedLenFeature,
  parseExample,
  parseSingleExample,
  type SparseValues,
  varLenFeature,
} from './example.js';
import { fileSource } from './node/file-source.js';
import { decodeTFRecords, encodeTFRecords, tfRecordDataset } from './tfrecord.js';

beforeAll(() => setupTestBackend('cpu'));

const enc = (s: string) => new TextEncoder().encode(s);

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of ds) out.push(x);
  return out;
}

describe('TFRecord', () => {
  it('round-trips records, plain and gzip', async () => {
    const recs = ['a', '', 'hello world', 'x'.repeat(1000)];
    const bytes = encodeTFRecords(recs);
    expect(Array.from(decodeTFRecords(bytes), (r) => new TextDecoder().decode(r))).toEqual(recs);
    const got = await collect(tfRecordDataset([bytes, gzipSync(bytes)]));
    expect(got.map((r) => new TextDecoder().decode(r))).toEqual([...recs, ...recs]);
  });

  // The framing (byte layout, CRCs, every corruption and truncation) is tested in @estimatorjs/io.
  it('reports damage as a DataError naming the source, record and offset', () => {
    const bytes = encodeTFRecords(['first', 'second']);
    let err: unknown;
    try {
      Array.from(decodeTFRecords(bytes.subarray(0, bytes.length - 3), 'f.tfrecord'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect(err).toMatchObject({ code: 'DATA_LOSS' });
    expect((err as Error).message).toMatch(
      /^decodeTFRecords\(\): f\.tfrecord: truncated record 1 at byte offset 21: expected 22 bytes, found 19/,
    );
  });

  it('round-trips tf.train.Examples through a file', async () => {
    const { dir, cleanup } = tempModelDir('tfrec-');
    try {
      const examples = Array.from({ length: 5 }, (_, i) =>
        encodeExample({
          image: { floatList: [i, i + 0.5, -i] },
          label: { int64List: [i * 100000007] },
          tags: { bytesList: Array.from({ length: i }, (_, k) => `t${k}`) },
          ids: { int64List: Array.from({ length: i % 3 }, (_, k) => k - 1) },
        }),
      );
      const path = join(dir, 'data.tfrecord');
      await writeFile(path, encodeTFRecords(examples));
      const spec = {
        image: fixedLenFeature([3], 'float32'),
        label: fixedLenFeature([], 'float32' as const),
        missing: fixedLenFeature([2], 'int32', 7),
        ids: varLenFeature('int32'),
      };
      const ds = tfRecordDataset(await fileSource(path));
      await expectNoLeaks(async () => {
        const recs = await collect(ds);
        expect(recs).toHaveLength(5);
        const one = parseSingleExample(recs[3]!, {
          image: fixedLenFeature([3], 'float32'),
          tags: varLenFeature('string'),
          missing: fixedLenFeature([2], 'int32', 7),
        });
        expect((one.image as tf.Tensor).arraySync()).toEqual([3, 3.5, -3]);
        expect((one.missing as tf.Tensor).arraySync()).toEqual([7, 7]);
        expect(((one.tags as SparseValues).values as tf.Tensor).arraySync()).toEqual(['t0', 't1', 't2']);
        tf.dispose(one as unknown as tf.TensorContainer);
        const batch = parseExample(recs, { ...spec, label: fixedLenFeature([], 'int32') });
        expect((batch.image as tf.Tensor).shape).toEqual([5, 3]);
        expect(((batch.ids as SparseValues).indices as tf.Tensor).arraySync()).toEqual([
          [1, 0],
          [2, 0],
          [2, 1],
          [4, 0],
        ]);
        expect((batch.ids as SparseValues).values.arraySync()).toEqual([-1, -1, 0, -1]);
        expect((batch.ids as SparseValues).denseShape).toEqual([5, 2]);
        tf.dispose(batch as unknown as tf.TensorContainer);
      });
      expect(() => parseSingleExample(examples[0]!, { label: fixedLenFeature([2], 'int32') })).toThrow(
        /feature 'label' has 1 values; FixedLenFeature shape \[2\] expects 2/,
      );
      expect(() => parseSingleExample(examples[0]!, { nope: fixedLenFeature([1], 'int32') })).toThrow(
        /'nope' is missing and its FixedLenFeature has no defaultValue/,
      );
      expect(() => parseSingleExample(examples[0]!, { image: fixedLenFeature([3], 'string') })).toThrow(
        /holds a float_list; the spec expects bytes/,
      );
      await expect(fileSource(join(dir, 'none.tfrecord'))).rejects.toThrow(
        /fileSource\(\): cannot read '.*none.tfrecord' \(ENOENT\)/,
      );
    } finally {
      cleanup();
    }
  });

  it('parses an Example serialized by TensorFlow (unpacked floats, packed int64)', () => {
    // tf.train.Example(features={'a': float_list [1.0], 'b': int64_list [-1, 300]}).SerializeToString()
    const bytes = Uint8Array.from([
      0x0a, 0x2a, 0x0a, 0x11, 0x0a, 0x01, 0x61, 0x12, 0x0c, 0x12, 0x0a, 0x0d, 0x00, 0x00, 0x80, 0x3f, 0x0d, 0x00, 0x00,
      0x00, 0x40, 0x0a, 0x15, 0x0a, 0x01, 0x62, 0x12, 0x10, 0x1a, 0x0e, 0x0a, 0x0c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 0xff, 0xff, 0x01, 0xac, 0x02,
    ]);
    const parsed = parseSingleExample(bytes, { a: fixedLenFeature([2], 'float32'), b: varLenFeature('int32') });
    expect((parsed.a as tf.Tensor).arraySync()).toEqual([1, 2]);
    expect((parsed.b as SparseValues).values.arraySync()).toEqual([-1, 300]);
    expect(encodeExample({ a: { floatList: [1, 2] }, b: { int64List: [-1, 300] } }).length).toBeGreaterThan(0);
    tf.dispose(parsed as unknown as tf.TensorContainer);
  });
});

describe('textLineDataset', () => {
  it('yields lines from several sources', async () => {
    const lines = await collect(textLineDataset([enc('a\nb\r\nc'), new Blob(['d\n'])]));
    expect(lines).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('csvDataset', () => {
  const csv = 'x,name,y\n1,"Smith, J",2.5\n3,"say ""hi""\nbye",\n,plain,4\n';

  it('reads header, quoted fields, defaults and selected columns', async () => {
    const rows = await collect(csvDataset(enc(csv), { columnDefaults: { name: '', y: -1, x: 0 } }));
    expect(rows).toEqual([
      { x: 1, name: 'Smith, J', y: 2.5 },
      { x: 3, name: 'say "hi"\nbye', y: -1 },
      { x: 0, name: 'plain', y: 4 },
    ]);
    const sel = await collect(
      csvDataset(enc(csv), { columnDefaults: { name: '', y: -1, x: 0 }, selectColumns: ['y', 'x'] }),
    );
    expect(sel[0]).toEqual({ y: 2.5, x: 1 });
    expect(Object.keys(sel[0]!)).toEqual(['y', 'x']);
  });

  it('batches columns into tensors', async () => {
    const ds = csvDataset(enc('a,b\n1,2\n3,4\n5,6\n')).batch(2);
    await expectNoLeaks(async () => {
      const out: unknown[] = [];
      for await (const b of ds) {
        out.push({ a: b.a!.arraySync(), b: b.b!.arraySync() });
        tf.dispose([b.a!, b.b!]);
      }
      expect(out).toEqual([
        { a: [1, 3], b: [2, 4] },
        { a: [5], b: [6] },
      ]);
    });
  });

  it('names the file and line of a malformed row', async () => {
    const { dir, cleanup } = tempModelDir('csv-');
    try {
      const path = join(dir, 'bad.csv');
      await writeFile(path, 'a,b\n1,2\n3\n');
      await expect(collect(csvDataset(await fileSource(path)))).rejects.toThrow(
        new RegExp(`csvDataset\\(\\): ${path} line 3: expected 2 fields \\(a, b\\), found 1`),
      );
      await writeFile(path, 'a,b\n1,2\n3,x\n');
      await expect(collect(csvDataset(await fileSource(path)))).rejects.toThrow(
        /line 3: column 'b' expected a number, received "x"/,
      );
      await writeFile(path, 'a,b\n1,"2\n');
      await expect(collect(csvDataset(await fileSource(path)))).rejects.toThrow(/line 2: unterminated quoted field/);
    } finally {
      cleanup();
    }
  });
});
