/**
 * Test oracle: the protobuf wire format, reduced to "split a message into its fields".
 *
 * Independent of the production codec (@estimatorjs/io): no schema, no classes, every varint read as a BigInt so
 * 64-bit steps and negative int32 values (10-byte varints) come out exact. Callers pick fields by number and
 * check wire types themselves, the way a reviewer reads `protoc --decode_raw`.
 */

/** One field as it appears on the wire. */
export type WireField =
  | { readonly field: number; readonly wire: 'varint'; readonly value: bigint }
  | { readonly field: number; readonly wire: 'fixed64' | 'fixed32' | 'bytes'; readonly value: Uint8Array };

/** A message that does not parse; the event-file checker turns it into a `bad-event-proto` issue. */
export class WireError extends Error {}

function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (pos >= buf.length) throw new WireError('truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [BigInt.asUintN(64, result), pos];
  }
  throw new WireError('varint longer than 10 bytes');
}

/** Every field of a serialized message, in wire order. Throws {@link WireError} on malformed bytes. */
export function wireFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const field = Number(key >> 3n);
    const type = Number(key & 7n);
    if (field === 0) throw new WireError(`field number 0 before byte ${pos}`);
    if (type === 0) {
      const [value, next] = readVarint(buf, pos);
      out.push({ field, wire: 'varint', value });
      pos = next;
    } else if (type === 1 || type === 5) {
      const size = type === 1 ? 8 : 4;
      if (pos + size > buf.length) throw new WireError(`truncated fixed${size * 8} field ${field}`);
      out.push({ field, wire: type === 1 ? 'fixed64' : 'fixed32', value: buf.subarray(pos, pos + size) });
      pos += size;
    } else if (type === 2) {
      const [len, next] = readVarint(buf, pos);
      const end = next + Number(len);
      if (len > BigInt(buf.length) || end > buf.length)
        throw new WireError(`field ${field} runs past the end (${len} bytes at ${next}, message is ${buf.length})`);
      out.push({ field, wire: 'bytes', value: buf.subarray(next, end) });
      pos = end;
    } else {
      throw new WireError(`unsupported wire type ${type} for field ${field}`);
    }
  }
  return out;
}

/** Little-endian view of a fixed-width field. */
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Typed access to one parsed message; a known field with the wrong wire type is a problem, not a guess. */
export class WireMessage {
  readonly fields: readonly WireField[];
  readonly problems: string[] = [];

  constructor(
    bytes: Uint8Array,
    private readonly name: string,
  ) {
    this.fields = wireFields(bytes);
  }

  has(field: number): boolean {
    return this.fields.some((f) => f.field === field);
  }

  private all(field: number, wire: WireField['wire']): (bigint | Uint8Array)[] {
    const out: (bigint | Uint8Array)[] = [];
    for (const f of this.fields) {
      if (f.field !== field) continue;
      if (f.wire !== wire) this.problems.push(`${this.name} field ${field}: wire type ${f.wire}, expected ${wire}`);
      else out.push(f.value);
    }
    return out;
  }

  private lastBytes(field: number, wire: 'fixed64' | 'fixed32' | 'bytes'): Uint8Array | undefined {
    return this.all(field, wire).at(-1) as Uint8Array | undefined;
  }

  /** Proto3 scalar rule: the last occurrence wins. */
  private lastVarint(field: number): bigint | undefined {
    return this.all(field, 'varint').at(-1) as bigint | undefined;
  }

  double(field: number): number | undefined {
    const b = this.lastBytes(field, 'fixed64');
    return b === undefined ? undefined : view(b).getFloat64(0, true);
  }

  float(field: number): number | undefined {
    const b = this.lastBytes(field, 'fixed32');
    return b === undefined ? undefined : view(b).getFloat32(0, true);
  }

  int64(field: number): number {
    const v = this.lastVarint(field);
    return v === undefined ? 0 : Number(BigInt.asIntN(64, v));
  }

  int32(field: number): number {
    const v = this.lastVarint(field);
    return v === undefined ? 0 : Number(BigInt.asIntN(32, v));
  }

  bytes(field: number): Uint8Array | undefined {
    return this.lastBytes(field, 'bytes');
  }

  string(field: number): string {
    const b = this.bytes(field);
    if (b === undefined) return '';
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      this.problems.push(`${this.name} field ${field} is not valid UTF-8`);
      return new TextDecoder().decode(b);
    }
  }

  /** An embedded message: repeated occurrences merge, which for parsing means concatenating them. */
  message(field: number): Uint8Array | undefined {
    const parts = this.all(field, 'bytes') as Uint8Array[];
    if (parts.length <= 1) return parts[0];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  repeatedBytes(field: number): Uint8Array[] {
    return this.all(field, 'bytes') as Uint8Array[];
  }

  /** A repeated numeric field, packed or not. */
  repeatedNumbers(field: number, kind: 'float' | 'double' | 'int32' | 'int64'): number[] {
    const out: number[] = [];
    const width = kind === 'float' ? 4 : 8;
    for (const f of this.fields) {
      if (f.field !== field) continue;
      if (kind === 'float' || kind === 'double') {
        const single = kind === 'float' ? 'fixed32' : 'fixed64';
        if (f.wire !== 'bytes' && f.wire !== single) {
          this.problems.push(`${this.name} field ${field}: wire type ${f.wire} for repeated ${kind}`);
          continue;
        }
        const b = f.value as Uint8Array;
        if (b.length % width) this.problems.push(`${this.name} field ${field}: ${b.length} bytes of ${kind}s`);
        for (let i = 0; i + width <= b.length; i += width)
          out.push(kind === 'float' ? view(b).getFloat32(i, true) : view(b).getFloat64(i, true));
      } else {
        let raw: bigint[];
        if (f.wire === 'varint') raw = [f.value];
        else if (f.wire === 'bytes') {
          raw = [];
          for (let pos = 0; pos < f.value.length; ) {
            const [v, next] = readVarint(f.value, pos);
            raw.push(v);
            pos = next;
          }
        } else {
          this.problems.push(`${this.name} field ${field}: wire type ${f.wire} for repeated ${kind}`);
          continue;
        }
        for (const v of raw) out.push(Number(kind === 'int32' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v)));
      }
    }
    return out;
  }
}
