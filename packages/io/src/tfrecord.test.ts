/**
 * TFRecord framing against the documented format (tensorflow/core/lib/io/record_writer.cc:
 * `uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)`, little-endian) with the CRCs
 * worked out by an independent bit-at-a-time CRC-32C, and against event files written by TensorFlow itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TFRecordCorruptError } from './errors.js';
import { ProtoReader, text } from './proto-reader.js';
import { encodeTFRecord, encodeTFRecords, readTFRecords, sealTFRecord } from './tfrecord.js';
import { TFRecordFramer } from './tfrecord-framer.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata');
const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** CRC-32C one bit at a time (no tables), then TF's mask: an implementation independent of crc32c.ts. */
function referenceMaskedCrc(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  c = (c ^ 0xffffffff) >>> 0;
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];

describe('writing TFRecords', () => {
  it('frames "abc" byte for byte', () => {
    // length 3 as uint64 LE; masked CRC-32C of those 8 bytes is 0x0e4999b0 and of "abc" 0x21f1576e (both also
    // computed with Python's bit-at-a-time CRC-32C while writing this test).
    const want = [3, 0, 0, 0, 0, 0, 0, 0, 0xb0, 0x99, 0x49, 0x0e, 0x61, 0x62, 0x63, 0x6e, 0x57, 0xf1, 0x21];
    expect(Array.from(encodeTFRecord(enc('abc')))).toEqual(want);
    expect(referenceMaskedCrc(Uint8Array.from([3, 0, 0, 0, 0, 0, 0, 0]))).toBe(0x0e4999b0);
    expect(referenceMaskedCrc(enc('abc'))).toBe(0x21f1576e);
  });

  it('frames an empty record: the data CRC is the mask of CRC 0', () => {
    // masked CRC-32C of eight zero bytes is 0x07980329; of no bytes, 0xa282ead8
    expect(hex(encodeTFRecord(new Uint8Array(0)))).toBe('00 00 00 00 00 00 00 00 29 03 98 07 d8 ea 82 a2');
  });

  it('frames many records back to back, each as the documented layout', () => {
    const records = ['', 'a', 'hello world', 'x'.repeat(300)];
    const bytes = encodeTFRecords(records);
    let off = 0;
    for (const r of records) {
      const data = enc(r);
      const len = Array.from(bytes.subarray(off, off + 8));
      expect(len).toEqual([...le32(data.length), 0, 0, 0, 0]);
      expect(Array.from(bytes.subarray(off + 8, off + 12))).toEqual(le32(referenceMaskedCrc(Uint8Array.from(len))));
      expect(bytes.subarray(off + 12, off + 12 + data.length)).toEqual(data);
      const crcAt = off + 12 + data.length;
      expect(Array.from(bytes.subarray(crcAt, crcAt + 4))).toEqual(le32(referenceMaskedCrc(data)));
      off = crcAt + 4;
    }
    expect(off).toBe(bytes.length);
    expect(encodeTFRecords(records.map(enc))).toEqual(bytes);
  });

  it('seals a record whose data was written in place', () => {
    const rec = new Uint8Array(3 + 16);
    rec.set(enc('abc'), 12);
    expect(sealTFRecord(rec)).toEqual(encodeTFRecord(enc('abc')));
  });
});

describe('reading event files written by TensorFlow', () => {
  // testdata/README.md says where each file comes from and what it holds.
  const files = [
    ['tf2_summary_scalar', 101],
    ['tf1_estimator_simple_value', 25],
    ['keras_tf2_prefix', 13],
  ] as const;

  for (const [dir, count] of files) {
    it(`${dir}: ${count} records, the first one file_version "brain.Event:2"`, () => {
      const name = readdirSync(join(testdata, dir))[0]!;
      const bytes = new Uint8Array(readFileSync(join(testdata, dir, name)));
      const records = [...readTFRecords(bytes, { source: name })];
      expect(records).toHaveLength(count);
      const last = records[records.length - 1]!;
      expect(last.offset + 16 + last.data.length).toBe(bytes.length);
      // Event { double wall_time = 1; int64 step = 2; string file_version = 3 }
      const r = new ProtoReader(records[0]!.data, 'Event');
      const fields = [...r.fields()];
      const version = fields.find((f) => f.field === 3 && f.wireType === 2);
      expect(text(version!.bytes)).toBe('brain.Event:2');
      const wallTime = fields.find((f) => f.field === 1 && f.wireType === 1);
      expect(r.double(wallTime!)).toBeGreaterThan(1.5e9); // seconds since 1970, written after 2017
    });
  }

  it('gives the same records and offsets when the file arrives in chunks of any size', () => {
    const cases = [
      ['tf1_estimator_simple_value', [1, 2, 11, 12, 13]],
      ['keras_tf2_prefix', [7, 16, 4096, 65537]],
    ] as const;
    for (const [dir, sizes] of cases) {
      const bytes = new Uint8Array(readFileSync(join(testdata, dir, readdirSync(join(testdata, dir))[0]!)));
      const whole = [...readTFRecords(bytes)];
      // next() gives a view of each record; nextStart() its place in recordBytes (the chunk, or a copy across chunks).
      for (const size of sizes)
        for (const inPlace of [false, true]) {
          const framer = new TFRecordFramer('test', dir);
          const offsets: number[] = [];
          let same = 0;
          const take = () => {
            if (!inPlace) return framer.next();
            const start = framer.nextStart();
            return start < 0 ? null : framer.recordBytes.subarray(start, framer.recordEnd);
          };
          for (let at = 0; at < bytes.length; at += size) {
            framer.feed(bytes.subarray(at, at + size));
            for (let rec = take(); rec !== null; rec = take()) {
              const want = whole[offsets.length]!.data;
              if (Buffer.from(rec.buffer, rec.byteOffset, rec.length).equals(Buffer.from(want))) same++;
              offsets.push(framer.offset);
            }
          }
          framer.end();
          expect(offsets).toEqual(whole.map((w) => w.offset));
          expect(same).toBe(whole.length);
        }
    }
  });
});

describe('damaged TFRecords', () => {
  const bytes = encodeTFRecords(['first', 'second record', 'third']);
  const starts = [0, 5 + 16, 5 + 16 + 13 + 16];

  it('reports a flipped byte anywhere with its record, its offset and what failed', () => {
    for (let pos = 0; pos < bytes.length; pos++) {
      const bad = bytes.slice();
      bad[pos]! ^= 0x40;
      const index = starts.filter((s) => s <= pos).length - 1;
      const at = starts[index]!;
      const inLength = pos < at + 8;
      let err: unknown;
      try {
        for (const _ of readTFRecords(bad, { api: 'read()', source: 'f.tfrecord' }));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(TFRecordCorruptError);
      const e = err as TFRecordCorruptError;
      expect(e.code).toBe('DATA_LOSS');
      expect(e.offset).toBe(at);
      expect(e.index).toBe(index);
      // a flipped length bit usually reads past the end; either way the message names the record and its offset
      expect(e.message).toMatch(
        new RegExp(`^read\\(\\): f\\.tfrecord: (corrupted|truncated) record ${index} at byte offset ${at}: `),
      );
      if (!inLength && pos < at + 12) expect(e.kind).toBe('length-crc');
      if (pos >= at + 12) expect(e.kind).toBe('data-crc');
      if (inLength) expect(['length-crc', 'truncated']).toContain(e.kind);
    }
  });

  it('names the data CRC mismatch and its byte range', () => {
    const bad = bytes.slice();
    bad[starts[1]! + 12]! ^= 1;
    expect(() => [...readTFRecords(bad)]).toThrow(
      /^readTFRecords\(\): bytes: corrupted record 1 at byte offset 21: data CRC mismatch over bytes 33\.\.46 \(stored 0x[0-9a-f]+, computed 0x[0-9a-f]+\)\.$/,
    );
    // checkDataCrc: false reads the damaged payload as it is (length CRCs are still checked)
    expect([...readTFRecords(bad, { checkDataCrc: false })].map((r) => r.offset)).toEqual(starts);
  });

  it('reports truncation in the header and in the data, after yielding the whole records', () => {
    const seen: number[] = [];
    const cut = bytes.subarray(0, starts[1]! + 5);
    expect(() => {
      for (const r of readTFRecords(cut)) seen.push(r.offset);
    }).toThrow(/truncated record 1 at byte offset 21: expected a 12-byte header, found 5 bytes\./);
    expect(seen).toEqual([0]);
    expect(() => [...readTFRecords(bytes.subarray(0, bytes.length - 3))]).toThrow(
      expect.objectContaining({ kind: 'truncated', offset: starts[2], index: 2 }),
    );
    expect(() => [...readTFRecords(encodeTFRecords(['first', 'second']).subarray(0, 40))]).toThrow(
      /truncated record 1 at byte offset 21: expected 22 bytes, found 19/,
    );
  });

  it('reports a record truncated across chunks at its stream offset', () => {
    const framer = new TFRecordFramer('stream()', 's');
    framer.feed(bytes.subarray(0, 30));
    expect(framer.next()).toEqual(enc('first'));
    expect(framer.next()).toBeNull();
    framer.feed(bytes.subarray(30, 40));
    expect(framer.next()).toBeNull();
    expect(() => framer.end()).toThrow(
      /^stream\(\): s: truncated record 1 at byte offset 21: expected 29 bytes, found 19\.$/,
    );
  });
});
