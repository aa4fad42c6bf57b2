/**
 * Splits TFRecord bytes, fed chunk by chunk, into records, checking both CRCs. A record inside one chunk comes back
 * as a view into it; one that spans chunks is copied once into its own buffer. Errors give the record's byte
 * offset within the whole stream. Owns: framing and its errors. Does not own: where the chunks come from.
 *
 * The format (TF's `tensorflow/core/lib/io/record_writer.cc`), little-endian:
 * `uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)`.
 */
import { crc32cOf, maskCrc32c } from './crc32c.js';
import { TFRecordCorruptError } from './errors.js';

const EMPTY = new Uint8Array(0);

/** Options of {@link TFRecordFramer}. */
export interface TFRecordFramerOptions {
  /** Verify each record's data CRC (default true; the length CRC is always verified). */
  readonly checkDataCrc?: boolean;
}

/**
 * A streaming TFRecord reader: `feed()` a chunk, take records with `next()` until it returns null, repeat; `end()`
 * after the last chunk throws if the stream stopped inside a record.
 * @example
 *   const framer = new TFRecordFramer('tfRecordDataset()', 'train.tfrecord');
 *   for await (const chunk of chunks) {
 *     framer.feed(chunk);
 *     for (let rec = framer.next(); rec !== null; rec = framer.next()) use(rec, framer.offset);
 *   }
 *   framer.end();
 */
export class TFRecordFramer {
  private buf: Uint8Array = EMPTY;
  private view: DataView = new DataView(EMPTY.buffer);
  private pos = 0;
  /** Stream offset of `buf[0]`. */
  private base = 0;
  private index = 0;
  /** A record begun in earlier chunks: its pieces, their total length, its stream offset, its full length (-1: header incomplete). */
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private partAt = 0;
  private need = -1;
  private lastAt = 0;
  private readonly checkDataCrc: boolean;
  private recBytes: Uint8Array = EMPTY;
  private recEnd = 0;

  /** `api` and `name` (the file, URL or `bytes`) start every error message. */
  constructor(
    private readonly api: string,
    private readonly name: string,
    options: TFRecordFramerOptions = {},
  ) {
    this.checkDataCrc = options.checkDataCrc ?? true;
  }

  /** Stream offset of the header of the record `next()` returned last. */
  get offset(): number {
    return this.lastAt;
  }

  /** The bytes holding the data of the record {@link nextStart} found last (see there). */
  get recordBytes(): Uint8Array {
    return this.recBytes;
  }

  /** Where the data of the record {@link nextStart} found last ends in {@link recordBytes}. */
  get recordEnd(): number {
    return this.recEnd;
  }

  /** The next chunk; call once `next()` has returned null. */
  feed(chunk: Uint8Array): void {
    this.base += this.buf.length;
    this.buf = chunk;
    this.view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.pos = 0;
  }

  /** The next complete record, or null when the fed bytes hold no more. */
  next(): Uint8Array | null {
    const start = this.nextStart();
    return start < 0 ? null : this.recBytes.subarray(start, this.recEnd);
  }

  /**
   * {@link next} without making a view: the next complete record's data is `recordBytes[start, recordEnd)`, where
   * `start` is what this returns (-1 when the fed bytes hold no more). For readers that walk millions of small
   * records in place; `recordBytes` is the fed chunk, or a copy for a record that spans chunks.
   * @example
   *   for (let s = framer.nextStart(); s >= 0; s = framer.nextStart()) use(framer.recordBytes, s, framer.recordEnd);
   */
  nextStart(): number {
    if (this.partBytes > 0) return this.across();
    const { buf, view } = this;
    const n = buf.length;
    const off = this.pos;
    if (off + 12 > n) {
      if (off < n) this.stash(off, -1);
      return -1;
    }
    const at = this.base + off;
    const len = this.length(buf, view, off, at);
    const start = off + 12;
    const end = start + len;
    if (end + 4 > n) {
      this.stash(off, len + 16);
      return -1;
    }
    this.check(buf, view, start, end, view.getUint32(end, true), at);
    this.pos = end + 4;
    this.lastAt = at;
    this.index++;
    this.recBytes = buf;
    this.recEnd = end;
    return start;
  }

  /** Throws when the stream ended inside a record. */
  end(): void {
    if (this.partBytes === 0) return;
    const { api, name, index, partAt, partBytes, need } = this;
    throw new TFRecordCorruptError(
      'truncated',
      partAt,
      index,
      need < 0
        ? `${api}: ${name}: truncated record ${index} at byte offset ${partAt}: expected a 12-byte header, found ${partBytes} bytes.`
        : `${api}: ${name}: truncated record ${index} at byte offset ${partAt}: expected ${need} bytes, found ${partBytes}.`,
    );
  }

  /** Keeps `buf[off..]`, the start of a record `need` bytes long (-1: unknown yet). */
  private stash(off: number, need: number): void {
    this.parts = [this.buf.subarray(off)];
    this.partBytes = this.buf.length - off;
    this.partAt = this.base + off;
    this.need = need;
    this.pos = this.buf.length;
  }

  /** Continues the stashed record with the current chunk. */
  private across(): number {
    const { buf, parts } = this;
    const n = buf.length;
    const pos = this.pos;
    if (pos >= n) return -1;
    if (this.need < 0) {
      if (this.partBytes + n - pos < 12) {
        parts.push(buf.subarray(pos));
        this.partBytes += n - pos;
        this.pos = n;
        return -1;
      }
      const head = join(parts, buf, pos, 12);
      this.need = this.length(head, new DataView(head.buffer), 0, this.partAt) + 16;
    }
    const missing = this.need - this.partBytes;
    if (n - pos < missing) {
      parts.push(buf.subarray(pos));
      this.partBytes += n - pos;
      this.pos = n;
      return -1;
    }
    const rec = join(parts, buf, pos, this.need);
    const len = this.need - 16;
    const recView = new DataView(rec.buffer);
    this.check(rec, recView, 12, 12 + len, recView.getUint32(12 + len, true), this.partAt);
    this.lastAt = this.partAt;
    this.pos = pos + missing;
    this.parts = [];
    this.partBytes = 0;
    this.need = -1;
    this.index++;
    this.recBytes = rec;
    this.recEnd = 12 + len;
    return 12;
  }

  /** The data length of the record at `bytes[off..]` (stream offset `at`), after checking its length CRC. */
  private length(bytes: Uint8Array, view: DataView, off: number, at: number): number {
    const stored = view.getUint32(off + 8, true);
    const want = maskCrc32c(crc32cOf(bytes, view, off, off + 8));
    if (stored !== want) {
      throw new TFRecordCorruptError(
        'length-crc',
        at,
        this.index,
        `${this.api}: ${this.name}: corrupted record ${this.index} at byte offset ${at}: length CRC mismatch (stored 0x${stored.toString(16)}, computed 0x${want.toString(16)}).`,
      );
    }
    return view.getUint32(off + 4, true) * 4294967296 + view.getUint32(off, true);
  }

  /** Checks the data CRC of `bytes[start, end)`, a record at stream offset `at`. */
  private check(bytes: Uint8Array, view: DataView, start: number, end: number, stored: number, at: number): void {
    if (!this.checkDataCrc) return;
    const got = maskCrc32c(crc32cOf(bytes, view, start, end));
    if (stored !== got) {
      const from = at + 12;
      throw new TFRecordCorruptError(
        'data-crc',
        at,
        this.index,
        `${this.api}: ${this.name}: corrupted record ${this.index} at byte offset ${at}: data CRC mismatch over bytes ${from}..${from + end - start} (stored 0x${stored.toString(16)}, computed 0x${got.toString(16)}).`,
      );
    }
  }
}

/** The first `size` bytes of `parts` followed by `buf[pos..]`, in a new buffer. */
function join(parts: readonly Uint8Array[], buf: Uint8Array, pos: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  out.set(buf.subarray(pos, pos + size - o), o);
  return out;
}
