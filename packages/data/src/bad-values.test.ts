import { gzipSync } from 'node:zlib';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvDataset } from './csv.js';
import { encodeExample, fixedLenFeature, parseSingleExample, varLenFeature } from './example.js';
import { decodeIdx, parseIdx } from './idx.js';

// Issue 17, item 5: data that does not fit is an error, never a silently different value.
beforeAll(() => setupTestBackend('cpu'));
const enc = (s: string) => new TextEncoder().encode(s);

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of ds) out.push(x);
  return out;
}

/** tf.Example { features { feature { key: "t" value { int64_list { value: [varint] } } } } }, built by hand. */
function exampleWithInt64(varint: number[]): Uint8Array {
  const list = [0x0a, varint.length, ...varint]; // Int64List.value, packed
  const feature = [0x1a, list.length, ...list]; // Feature.int64_list (field 3)
  const entry = [0x0a, 0x01, 0x74, 0x12, feature.length, ...feature]; // key "t", value
  const features = [0x0a, entry.length, ...entry]; // Features.feature map entry
  return Uint8Array.from([0x0a, features.length, ...features]); // Example.features
}

describe('int64 tf.Example values', () => {
  it('a value that does not fit int32 is INVALID_ARGUMENT naming the feature and the value', () => {
    // 2^40 as a varint: five groups of 0 bits with the continuation bit, then 1 << 5.
    const big = exampleWithInt64([0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
    for (const spec of [fixedLenFeature([], 'int32'), varLenFeature('int32')]) {
      expect(() => parseSingleExample(big, { t: spec })).toThrow(
        /parseSingleExample\(\): feature 't' value 1099511627776 \(int64_list index 0\) does not fit dtype 'int32'/,
      );
    }
    // A millisecond timestamp (2026-01-01T00:00:00Z) used to come back negative.
    const ts = encodeExample({ t: { int64List: [Date.UTC(2026, 0, 1)] } });
    expect(() => parseSingleExample(ts, { t: fixedLenFeature([], 'int32') })).toThrow(/value 1767225600000/);
    const before = tf.memory().numTensors;
    expect(() =>
      parseSingleExample(exampleWithInt64([0x80, 0x80, 0x80, 0x80, 0x80, 0x20]), {
        t: fixedLenFeature([], 'int32'),
      }),
    ).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('values at the int32 limits still parse exactly', async () => {
    const ok = encodeExample({ t: { int64List: [-2147483648, -1, 2147483647] } });
    const { t } = parseSingleExample(ok, { t: fixedLenFeature([3], 'int32') }) as { t: tf.Tensor };
    expect(Array.from(await t.data())).toEqual([-2147483648, -1, 2147483647]);
    t.dispose();
  });
});

describe('CSV headers', () => {
  it('constructor, toString and __proto__ are ordinary columns', async () => {
    const csv = 'constructor,toString,__proto__,hasOwnProperty\n1,2,3,4\n';
    const rows = await collect(csvDataset(enc(csv)));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(Object.keys(row)).toEqual(['constructor', 'toString', '__proto__', 'hasOwnProperty']);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(3);
    expect(row.constructor).toBe(1);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    // A column whose name is an Object.prototype key gets no default from the prototype: empty is still an error.
    const err = await collect(csvDataset(enc('toString,b\n,2\n'), { columnDefaults: { b: 0 } })).catch((e) => e);
    expect(String(err)).toMatch(/column 'toString' is empty and has no default/);
  });

  it('a duplicate header is an error naming the column and both positions', async () => {
    await expect(collect(csvDataset(enc('a,b,a\n1,2,3\n')))).rejects.toThrow(
      /column name "a" appears twice \(columns 1 and 3\)/,
    );
  });
});

describe('IDX', () => {
  const idx = (extra: number[]) => Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 9, ...extra]);
  it('bytes after the declared data are rejected, plain or gzip-compressed', async () => {
    expect(parseIdx(idx([])).data).toEqual(Uint8Array.from([7, 9]));
    expect(() => parseIdx(idx([1, 2, 3]), 'x.idx')).toThrow(/x\.idx has 3 bytes after its data/);
    await expect(decodeIdx(gzipSync(idx([1])), 'x.gz')).rejects.toThrow(
      /x\.gz decompresses to more than the 10 bytes its IDX header \(uint8, rank 1\) declares/,
    );
    await expect(decodeIdx(gzipSync(idx([])))).resolves.toMatchObject({ shape: [2] });
  });
});
