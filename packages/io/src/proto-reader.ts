/**
 * A minimal protobuf wire-format decoder: iterate the fields of one message.
 * Owns: byte layout and its errors ({@link ProtoDecodeError}). Does not own: message schemas (summary's Event and
 * GraphDef decoders, data's tf.train.Example parser).
 */
import { ProtoDecodeError } from './errors.js';

const utf8 = new TextDecoder('utf-8');
const TWO_63 = 2 ** 63;

/**
 * Decodes the varint at `pos`: returns [value, next position], or next = -1 (past the end) / -2 (too long).
 * Values of at most 8 bytes (below 2^56) are exact; longer ones are read as two's complement int64 (so -1 is -1).
 * @example
 *   const [value, next] = readVarint(bytes, 0); // next < 0: truncated
 */
export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let mul = 1;
  const start = pos;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) return [0, -1];
    const b = buf[pos++]!;
    if (i === 8) break;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return [result, pos];
    mul *= 128;
  }
  // 9 or 10 bytes: decode exactly with BigInt.
  let big = 0n;
  let shift = 0n;
  for (pos = start; pos < start + 10; pos++) {
    if (pos >= buf.length) return [0, -1];
    const b = buf[pos]!;
    big |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if (b < 0x80) return [Number(BigInt.asIntN(64, big)), pos + 1];
  }
  return [0, -2];
}

/** One field as read from the wire: a number for varint/fixed wire types, bytes for length-delimited. */
export interface ProtoField {
  readonly field: number;
  readonly wireType: 0 | 1 | 2 | 5;
  /** varint value (wire type 0). */
  readonly varint: number;
  /** Offset of the 8 or 4 bytes of a fixed field, or of the payload of a length-delimited one, in `buf`. */
  readonly at: number;
  /** Payload of a length-delimited field (wire type 2). */
  readonly bytes: Uint8Array;
}

/**
 * Reads the fields of one message from `buf`. `what` names the message in errors.
 * @example
 *   const r = new ProtoReader(bytes, 'Event');
 *   let wallTime = 0;
 *   for (const f of r.fields()) if (f.field === 1 && f.wireType === 1) wallTime = r.double(f);
 */
export class ProtoReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private fail(why: string): never {
    throw new ProtoDecodeError(`${this.what}: malformed protobuf at byte ${this.pos}: ${why}.`);
  }

  /** Varint as a number (see {@link readVarint}). */
  private varint(): number {
    const [v, next] = readVarint(this.buf, this.pos);
    if (next < 0) this.fail(next === -1 ? 'varint runs past the end' : 'varint longer than 10 bytes');
    this.pos = next;
    return v;
  }

  /** Iterates every field; unknown fields are returned too (callers skip them). */
  *fields(): Generator<ProtoField> {
    while (this.pos < this.buf.length) {
      const key = this.varint();
      const field = Math.floor(key / 8);
      const wireType = key & 7;
      if (field === 0) this.fail('field number 0');
      switch (wireType) {
        case 0: {
          const v = this.varint();
          yield { field, wireType, varint: v, at: this.pos, bytes: EMPTY };
          break;
        }
        case 1: {
          if (this.pos + 8 > this.buf.length) this.fail('64-bit field runs past the end');
          yield { field, wireType, varint: 0, at: this.pos, bytes: EMPTY };
          this.pos += 8;
          break;
        }
        case 2: {
          const len = this.varint();
          if (this.pos + len > this.buf.length) this.fail(`length ${len} runs past the end`);
          const bytes = this.buf.subarray(this.pos, this.pos + len);
          yield { field, wireType, varint: 0, at: this.pos, bytes };
          this.pos += len;
          break;
        }
        case 5: {
          if (this.pos + 4 > this.buf.length) this.fail('32-bit field runs past the end');
          yield { field, wireType, varint: 0, at: this.pos, bytes: EMPTY };
          this.pos += 4;
          break;
        }
        default:
          this.fail(`unsupported wire type ${wireType}`);
      }
    }
  }

  /** `double` at a fixed64 field's offset. */
  double(f: ProtoField): number {
    return this.view.getFloat64(f.at, true);
  }

  /** `float` at a fixed32 field's offset. */
  float(f: ProtoField): number {
    return this.view.getFloat32(f.at, true);
  }

  /** Values of a repeated `float` field, packed (wire type 2) or not (wire type 5). */
  floats(f: ProtoField): number[] {
    if (f.wireType === 5) return [this.float(f)];
    if (f.wireType !== 2 || f.bytes.length % 4 !== 0) {
      throw new ProtoDecodeError(
        `${this.what}: malformed protobuf at byte ${f.at}: a packed float field of ${f.bytes.length} bytes (expected a multiple of 4).`,
      );
    }
    const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
    const out = new Array<number>(f.bytes.length / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Reinterprets a decoded varint as a signed int64 (long varints are already signed; see {@link readVarint}).
 * @example
 *   toInt64(2 ** 64 - 1); // -1
 */
export function toInt64(v: number): number {
  return v >= TWO_63 ? v - 2 * TWO_63 : v;
}

/**
 * Reinterprets an unsigned varint as int32 (negative int32s are sign-extended to 10 bytes on the wire).
 * @example
 *   toInt32(4294967295); // -1
 */
export function toInt32(v: number): number {
  return Number(BigInt.asIntN(32, BigInt(v)));
}

/**
 * UTF-8 text of a length-delimited field.
 * @example
 *   for (const f of new ProtoReader(bytes, 'Summary.Value').fields()) if (f.field === 1) console.log(text(f.bytes));
 */
export function text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/**
 * Values of a repeated varint field, packed or not.
 * @example
 *   for (const f of new ProtoReader(bytes, 'TensorShapeProto').fields()) if (f.field === 2) console.log(varints(f, 'dim'));
 */
export function varints(f: ProtoField, what: string): number[] {
  if (f.wireType === 0) return [f.varint];
  const out: number[] = [];
  let pos = 0;
  while (pos < f.bytes.length) {
    const [v, next] = readVarint(f.bytes, pos);
    if (next < 0) throw new ProtoDecodeError(`${what}: malformed packed varint at byte ${pos}.`);
    out.push(v);
    pos = next;
  }
  return out;
}
