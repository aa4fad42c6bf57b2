/**
 * A minimal protobuf wire-format encoder (varint, 64-bit, length-delimited, 32-bit fields).
 * Owns: byte layout. Does not own: message schemas (summary's Event and GraphDef encoders, data's tf.train.Example).
 */

const utf8 = new TextEncoder();

/**
 * Growable byte buffer that appends protobuf fields.
 * @example
 *   const bytes = new ProtoWriter().varint(1, 150).finish(); // 08 96 01
 */
export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialSize = 64) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Raw varint (no tag). Accepts integers in [-2^63, 2^64); negatives are two's complement, 10 bytes. */
  rawVarint(n: number): void {
    this.ensure(10);
    if (n >= 0 && n < 0x80) {
      this.buf[this.pos++] = n;
      return;
    }
    if (n < 0) {
      let b = BigInt.asUintN(64, BigInt(Math.trunc(n)));
      while (b >= 0x80n) {
        this.buf[this.pos++] = Number(b & 0x7fn) | 0x80;
        b >>= 7n;
      }
      this.buf[this.pos++] = Number(b);
      return;
    }
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** int32/int64/uint64/enum/bool field. */
  varint(field: number, n: number): this {
    this.tag(field, 0);
    this.rawVarint(n);
    return this;
  }

  /** `double` field. */
  double(field: number, x: number): this {
    this.tag(field, 1);
    this.ensure(8);
    this.view.setFloat64(this.pos, x, true);
    this.pos += 8;
    return this;
  }

  /** `float` field. */
  float(field: number, x: number): this {
    this.tag(field, 5);
    this.ensure(4);
    this.view.setFloat32(this.pos, x, true);
    this.pos += 4;
    return this;
  }

  /** `bytes` field. */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  /** `string` field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  /** Embedded message field; `fill` writes its fields into this writer (no intermediate buffer). */
  message(field: number, fill: (w: ProtoWriter) => void): this {
    this.tag(field, 2);
    this.ensure(1);
    const lenPos = this.pos;
    this.pos += 1; // one byte reserved for the length; moved below when the length needs more
    const start = this.pos;
    fill(this);
    const len = this.pos - start;
    if (len < 0x80) {
      this.buf[lenPos] = len;
      return this;
    }
    let n = 1;
    for (let l = len; l >= 0x80; l = Math.floor(l / 0x80)) n++;
    this.ensure(n - 1);
    this.buf.copyWithin(start + n - 1, start, this.pos);
    const end = this.pos + n - 1;
    this.pos = lenPos;
    this.rawVarint(len);
    this.pos = end;
    return this;
  }

  /** Appends bytes that already are encoded fields. */
  raw(data: Uint8Array): this {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
    return this;
  }

  /** Reserves `n` bytes at the current position and returns their offset (for headers filled in later). */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** Current length of the encoded bytes. */
  get length(): number {
    return this.pos;
  }

  /** Packed repeated `float` field. */
  packedFloat(field: number, values: ArrayLike<number>): this {
    this.tag(field, 2);
    this.rawVarint(values.length * 4);
    this.ensure(values.length * 4);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat32(this.pos, values[i]!, true);
      this.pos += 4;
    }
    return this;
  }

  /** Packed repeated varint field. */
  packedVarint(field: number, values: ArrayLike<number>): this {
    return this.message(field, (w) => {
      for (let i = 0; i < values.length; i++) w.rawVarint(values[i]!);
    });
  }

  /** The encoded bytes (a view; do not write afterwards). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
