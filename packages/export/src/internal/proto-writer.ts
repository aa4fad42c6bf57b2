/**
 * A small protobuf wire-format writer for the ONNX encoder.
 * TODO(io): to move to @estimatorjs/io — its `ProtoWriter` has the same method names; swap the import when it lands.
 * Owns: byte layout of tags, varints, fixed32 floats and length-delimited fields. Does not own: schemas.
 */

const utf8 = new TextEncoder();

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(256);
  private used = 0;
  private total = 0;

  private flush(): void {
    if (this.used === 0) return;
    this.chunks.push(this.scratch.slice(0, this.used));
    this.used = 0;
  }

  private byte(b: number): void {
    if (this.used === this.scratch.length) this.flush();
    this.scratch[this.used++] = b;
    this.total++;
  }

  private append(data: Uint8Array): void {
    this.flush();
    this.chunks.push(data);
    this.total += data.length;
  }

  /** A varint without tag; negative numbers as 64-bit two's complement (10 bytes), as protobuf int64 requires. */
  rawVarint(n: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(n));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** int32 / int64 / enum / bool field. */
  varint(field: number, n: number | bigint): this {
    this.tag(field, 0);
    this.rawVarint(n);
    return this;
  }

  /** `float` field (fixed32, little-endian). */
  float(field: number, x: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    for (const v of b) this.byte(v);
    return this;
  }

  /** `bytes` field. */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(data.length);
    this.append(data);
    return this;
  }

  /** `string` field (UTF-8). */
  string(field: number, s: string): this {
    return this.bytes(field, utf8.encode(s));
  }

  /** Embedded message field written by `fill` into a nested writer. */
  message(field: number, fill: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    fill(inner);
    return this.bytes(field, inner.finish());
  }

  /** The encoded bytes. */
  finish(): Uint8Array {
    this.flush();
    if (this.chunks.length === 1) return this.chunks[0]!;
    if (this.chunks.length === 0) return new Uint8Array(0);
    const out = new Uint8Array(this.total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
