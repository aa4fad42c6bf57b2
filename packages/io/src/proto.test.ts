/**
 * The wire codec against bytes worked out by hand from the protobuf encoding guide
 * (https://protobuf.dev/programming-guides/encoding/): tag = field << 3 | wire type, base-128 little-endian varints,
 * little-endian fixed32/fixed64, length-delimited = varint length + bytes.
 */
import { describe, expect, it } from 'vitest';
import { ProtoDecodeError } from './errors.js';
import { ProtoReader, readVarint, text, toInt32, toInt64, varints } from './proto-reader.js';
import { ProtoWriter } from './proto-writer.js';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const bytes = (h: string) => Uint8Array.from(h.split(' ').map((x) => Number.parseInt(x, 16)));

describe('ProtoWriter', () => {
  it('writes varint fields (the guide: field 1 = 150 is 08 96 01)', () => {
    // 150 = 0b1_0010110: low 7 bits 0x16 with the continuation bit = 0x96, then 150 >> 7 = 1
    expect(hex(new ProtoWriter().varint(1, 150).finish())).toBe('08 96 01');
    // 300 = 0b10_0101100: 0x2c | 0x80 = 0xac, then 2; tag of field 2, wire type 0 = 0x10
    expect(hex(new ProtoWriter().varint(2, 300).finish())).toBe('10 ac 02');
    expect(hex(new ProtoWriter().varint(1, 0).finish())).toBe('08 00');
    expect(hex(new ProtoWriter().varint(1, 127).finish())).toBe('08 7f');
    expect(hex(new ProtoWriter().varint(1, 128).finish())).toBe('08 80 01');
    // 2^32 = 2^(7*4) * 16: four zero groups with continuation bits, then 0x10
    expect(hex(new ProtoWriter().varint(1, 2 ** 32).finish())).toBe('08 80 80 80 80 10');
    // field 16 needs a two-byte tag: 16 << 3 = 128 = 80 01
    expect(hex(new ProtoWriter().varint(16, 1).finish())).toBe('80 01 01');
  });

  it("writes negative int32/int64 as ten-byte two's complement varints", () => {
    // -1 as uint64 is 2^64 - 1: nine groups of 7 ones (0xff with continuation) and a last 1
    expect(hex(new ProtoWriter().varint(1, -1).finish())).toBe('08 ff ff ff ff ff ff ff ff ff 01');
    // -2 = 0xffff_ffff_ffff_fffe: the low group is 0x7e
    expect(hex(new ProtoWriter().varint(1, -2).finish())).toBe('08 fe ff ff ff ff ff ff ff ff 01');
  });

  it('writes fixed64 (double) and fixed32 (float) little-endian', () => {
    // 1.0 as IEEE-754 double is 0x3ff0000000000000; tag 1 << 3 | 1 = 0x09
    expect(hex(new ProtoWriter().double(1, 1).finish())).toBe('09 00 00 00 00 00 00 f0 3f');
    // 1.0 as float is 0x3f800000; tag 2 << 3 | 5 = 0x15
    expect(hex(new ProtoWriter().float(2, 1).finish())).toBe('15 00 00 80 3f');
    // -2.5 as float: sign 1, exponent 128, mantissa 0x200000 = 0xc0200000
    expect(hex(new ProtoWriter().float(1, -2.5).finish())).toBe('0d 00 00 20 c0');
  });

  it("writes length-delimited strings, bytes and embedded messages (the guide's examples)", () => {
    // field 2 = "testing": tag 0x12, length 7, ASCII
    expect(hex(new ProtoWriter().string(2, 'testing').finish())).toBe('12 07 74 65 73 74 69 6e 67');
    expect(hex(new ProtoWriter().bytes(1, new Uint8Array(0)).finish())).toBe('0a 00');
    // Test3 { Test1 c = 3 } with c.a = 150: tag 0x1a, length 3, then 08 96 01
    expect(hex(new ProtoWriter().message(3, (w) => w.varint(1, 150)).finish())).toBe('1a 03 08 96 01');
    // UTF-8: "é" is c3 a9
    expect(hex(new ProtoWriter().string(1, 'é').finish())).toBe('0a 02 c3 a9');
  });

  it('moves an embedded message whose length needs two varint bytes', () => {
    // 200 bytes of payload: string field 1 of 197 'a's = tag + 2-byte length (c5 01) + 197 = 200 bytes
    const w = new ProtoWriter(8).message(5, (m) => m.string(1, 'a'.repeat(197)));
    const out = w.finish();
    // 200 = 0b1_1001000: 0x48 | 0x80 = 0xc8, then 1
    expect(hex(out.subarray(0, 6))).toBe('2a c8 01 0a c5 01');
    expect(out.length).toBe(3 + 200);
    expect(out.subarray(6).every((b) => b === 0x61)).toBe(true);
  });

  it('writes packed repeated fields (the guide: field 4 packed [3, 270, 86942] is 22 06 03 8e 02 9e a7 05)', () => {
    expect(hex(new ProtoWriter().packedVarint(4, [3, 270, 86942]).finish())).toBe('22 06 03 8e 02 9e a7 05');
    // [1.0, 2.0] as floats: 0x3f800000, 0x40000000
    expect(hex(new ProtoWriter().packedFloat(1, [1, 2]).finish())).toBe('0a 08 00 00 80 3f 00 00 00 40');
  });

  it('appends pre-encoded fields and reserves space', () => {
    const w = new ProtoWriter(2);
    const at = w.reserve(3);
    w.raw(bytes('08 96 01'));
    expect(at).toBe(0);
    expect(w.length).toBe(6);
    expect(hex(w.finish().subarray(3))).toBe('08 96 01');
  });
});

describe('ProtoReader', () => {
  it('reads each wire type from hand-made bytes', () => {
    // field 1 varint 150 | field 2 "testing" | field 3 double 1.0 | field 4 float 1.0 | field 5 varint 300
    const buf = bytes('08 96 01 12 07 74 65 73 74 69 6e 67 19 00 00 00 00 00 00 f0 3f 25 00 00 80 3f 28 ac 02');
    const r = new ProtoReader(buf, 'Test');
    const fields = [...r.fields()];
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([
      [1, 0],
      [2, 2],
      [3, 1],
      [4, 5],
      [5, 0],
    ]);
    expect(fields[0]!.varint).toBe(150);
    expect(text(fields[1]!.bytes)).toBe('testing');
    expect(r.double(fields[2]!)).toBe(1);
    expect(r.float(fields[3]!)).toBe(1);
    expect(fields[4]!.varint).toBe(300);
  });

  it('reads embedded messages and packed or unpacked repeated fields', () => {
    const [outer] = new ProtoReader(bytes('1a 03 08 96 01'), 'Test3').fields();
    expect([...new ProtoReader(outer!.bytes, 'Test1').fields()].map((f) => f.varint)).toEqual([150]);
    const [packed] = new ProtoReader(bytes('22 06 03 8e 02 9e a7 05'), 'Test5').fields();
    expect(varints(packed!, 'Test5.d')).toEqual([3, 270, 86942]);
    const unpacked = [...new ProtoReader(bytes('20 03 20 8e 02'), 'Test5').fields()];
    expect(unpacked.flatMap((f) => varints(f, 'Test5.d'))).toEqual([3, 270]);
    const floats = new ProtoReader(bytes('0a 08 00 00 80 3f 00 00 00 40 0d 00 00 20 c0'), 'FloatList');
    expect([...floats.fields()].flatMap((f) => floats.floats(f))).toEqual([1, 2, -2.5]);
  });

  it('reads signed varints back', () => {
    expect(readVarint(bytes('ff ff ff ff ff ff ff ff ff 01'), 0)).toEqual([-1, 10]);
    expect(readVarint(bytes('fe ff ff ff ff ff ff ff ff 01'), 0)).toEqual([-2, 10]);
    expect(readVarint(bytes('96 01'), 0)).toEqual([150, 2]);
    // int32 -1 written as a sign-extended 10-byte varint; and 0xffffffff (uint32) read as int32
    expect(toInt32(0xffffffff)).toBe(-1);
    expect(toInt64(2 ** 63)).toBe(-(2 ** 63));
    expect(toInt64(5)).toBe(5);
    // 2^53 + 0 fits exactly: 2^53 = 2^(7*7) * 16 → seven 0x80 groups, then 0x10
    expect(readVarint(bytes('80 80 80 80 80 80 80 10'), 0)).toEqual([2 ** 53, 8]);
  });

  it('skips nothing silently: malformed bytes are a ProtoDecodeError naming the message and byte', () => {
    const bad = (h: string) => () => [...new ProtoReader(bytes(h), 'tf.Test').fields()];
    expect(bad('08 96')).toThrow(/^tf\.Test: malformed protobuf at byte 1: varint runs past the end\.$/);
    expect(bad('12 07 74 65')).toThrow(/length 7 runs past the end/);
    expect(bad('19 00 00')).toThrow(/64-bit field runs past the end/);
    expect(bad('25 00')).toThrow(/32-bit field runs past the end/);
    expect(bad('0b')).toThrow(/unsupported wire type 3/);
    expect(bad('00 01')).toThrow(/field number 0/);
    expect(bad('08 ff ff ff ff ff ff ff ff ff ff 01')).toThrow(/varint longer than 10 bytes/);
    expect(bad('08 96')).toThrow(ProtoDecodeError);
    try {
      bad('08 96')();
    } catch (e) {
      expect(e).toMatchObject({ code: 'DATA_LOSS', name: 'ProtoDecodeError' });
    }
    const [odd] = new ProtoReader(bytes('0a 03 00 00 80'), 'FloatList').fields();
    expect(() => new ProtoReader(bytes('0a 03 00 00 80'), 'FloatList').floats(odd!)).toThrow(/multiple of 4/);
    const [cut] = new ProtoReader(bytes('22 01 96'), 'Test5').fields();
    expect(() => varints(cut!, 'Test5.d')).toThrow(/^Test5\.d: malformed packed varint at byte 0\.$/);
  });

  it('round-trips what the writer wrote', () => {
    const w = new ProtoWriter()
      .varint(1, 2 ** 40 + 3)
      .string(2, 'héllo')
      .double(3, Math.PI)
      .message(4, (m) => m.varint(1, -7).packedVarint(2, [0, 1, 2 ** 31]));
    const r = new ProtoReader(w.finish(), 'RoundTrip');
    const f = [...r.fields()];
    expect(f[0]!.varint).toBe(2 ** 40 + 3);
    expect(text(f[1]!.bytes)).toBe('héllo');
    expect(r.double(f[2]!)).toBe(Math.PI);
    const inner = [...new ProtoReader(f[3]!.bytes, 'Inner').fields()];
    expect(inner[0]!.varint).toBe(-7);
    expect(varints(inner[1]!, 'Inner.p')).toEqual([0, 1, 2 ** 31]);
  });
});
