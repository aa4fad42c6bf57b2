/**
 * scanEventScalars: the scalar fast path of reading an event file, for readers that load millions of points (a
 * dashboard over a large logdir).
 * Owns: recognising, straight from the wire bytes, the records that hold only scalar summary values (TF 1.x
 * `simple_value`, or a one-element float/double tensor as TF 2.x writes), and reading their tag, step, wall time
 * and value without building Event objects. Does not own: the framing and CRC checks (@estimatorjs/io's
 * TFRecordFramer, through this package's readTFRecords) or the general decoding: every other record is handed to
 * {@link decodeEvent}'s path unchanged, so the two paths cannot disagree on what they both read.
 */
import { TFRECORD_OVERHEAD, TFRecordCorruptError, TFRecordFramer } from '@estimatorjs/io';
import type { Event } from './event.js';
import { decodeRecord } from './read-event-records.js';
import { eventFileError, type ReadTFRecordsOptions } from './tfrecord.js';

/** What {@link scanEventScalars} reports, record by record in file order. */
export interface EventScalarVisitor {
  /**
   * One scalar value of a record that holds only scalars. `plugin` is the value's metadata plugin name (`''`
   * without metadata); `tensor` says whether it was a tensor (TF 2.x) rather than a `simple_value`, since a tensor
   * without metadata belongs to whatever plugin the tag's first value named.
   */
  scalar(tag: string, step: number, wallTime: number, value: number, plugin: string, tensor: boolean): void;
  /** Any other record, decoded in full with its byte `offset` (file_version, graphs, histograms, images, text…). */
  event(event: Event): void;
}

/**
 * Reads every record of event-file `bytes` (CRCs checked), reporting scalar-only records through
 * `visitor.scalar` and decoding the rest in full for `visitor.event`. Returns the bytes consumed: the whole
 * records read (less than `bytes.length` when `onTruncated: 'stop'` met a record still being written). Damage
 * throws {@link EventFileCorruptError} with the damaged record's offset, after visiting the records before it.
 * @example
 *   const points: [number, number][] = [];
 *   scanEventScalars(bytes, { scalar: (tag, step, _w, v) => tag === 'loss' && points.push([step, v]), event: () => {} });
 */
export function scanEventScalars(
  bytes: Uint8Array,
  visitor: EventScalarVisitor,
  options: ReadTFRecordsOptions = {},
): number {
  const { source, checkDataCrc = true, onTruncated = 'throw' } = options;
  const scan = new ScalarRecordScanner();
  // The framer itself rather than readTFRecords' generators: a record costs well under a microsecond here.
  const framer = new TFRecordFramer('scanEventScalars()', source ?? 'bytes', { checkDataCrc });
  let consumed = 0;
  try {
    framer.feed(bytes);
    // Records are walked in place (nextStart): no view, no allocation a record.
    for (let start = framer.nextStart(); start >= 0; start = framer.nextStart()) {
      const data = framer.recordBytes;
      const end = framer.recordEnd;
      if (!scan.read(data, start, end)) visitor.event(decodeRecord(data.subarray(start, end), framer.offset, source));
      else
        for (let i = 0; i < scan.count; i++)
          visitor.scalar(scan.tags[i]!, scan.step, scan.wallTime, scan.values[i]!, scan.plugins[i]!, scan.tensors[i]!);
      consumed = framer.offset + end - start + TFRECORD_OVERHEAD;
    }
    framer.end();
  } catch (e) {
    if (!(e instanceof TFRecordCorruptError)) throw e;
    if (e.kind === 'truncated' && onTruncated === 'stop') return consumed;
    throw eventFileError(e, source);
  }
  return consumed;
}

const SCALARS = new TextEncoder().encode('scalars');
const utf8 = new TextDecoder('utf-8');
const TAG_CACHE_SIZE = 4096;

/** A tag seen by the scanner; `rest` (with `size`, `plugin`, `tensor`) is the fast path's template (see `value`). */
interface TagEntry {
  readonly bytes: Uint8Array;
  readonly tag: string;
  rest: DataView | undefined;
  size: 4 | 8;
  plugin: string;
  tensor: boolean;
}

/**
 * Reads one Event's bytes when they hold only scalar values; `read` returns false for anything else (the caller
 * then decodes the record in full), including any wire shape this fast path does not expect. Positions travel in
 * `pos` (and a varint's value in the return value, -1 when malformed) so that no record allocates.
 */
class ScalarRecordScanner {
  step = 0;
  wallTime = 0;
  count = 0;
  readonly tags: string[] = [];
  readonly values: number[] = [];
  readonly plugins: string[] = [];
  readonly tensors: boolean[] = [];
  private buf: Uint8Array = SCALARS;
  /** A view of `buf` for its little-endian floats: one a buffer (the framer hands out one chunk), not one a record. */
  private view: DataView = new DataView(SCALARS.buffer);
  private pos = 0;
  /** Decoded tags, direct-mapped by a hash of their bytes: a tag repeats in every record, its decoding need not. */
  private readonly tagCache: (TagEntry | undefined)[] = new Array(TAG_CACHE_SIZE);
  /** Where the last float this scanner read started, and its size: the value, when a Summary.Value ends with it. */
  private valueAt = -1;
  private valueSize = 0;

  /** Reads the Event in `buf[start, end)`. */
  read(buf: Uint8Array, start: number, end: number): boolean {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.pos = start;
    this.count = 0;
    this.step = 0;
    this.wallTime = 0;
    let summary = false;
    while (this.pos < end) {
      const key = buf[this.pos++]!;
      if (key === 0x09) {
        if (this.pos + 8 > end) return false;
        this.wallTime = this.float(8);
      } else if (key === 0x10) {
        const v = this.varint(end);
        if (v < 0) {
          // a negative step (10-byte varint) or a malformed one: the general decoder knows
          return false;
        }
        this.step = v;
      } else if (key === 0x2a && !summary) {
        summary = true;
        const len = this.varint(end);
        if (len < 0 || this.pos + len > end) return false;
        const stop = this.pos + len;
        if (!this.summary(stop)) return false;
        this.pos = stop;
      } else return false;
    }
    return summary && this.count > 0;
  }

  /** An unsigned varint below 2^53 at `pos` (advancing it), or -1 when it is longer or runs past `end`. */
  private varint(end: number): number {
    const buf = this.buf;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 7; i++) {
      if (this.pos >= end) return -1;
      const b = buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    return -1;
  }

  /** The little-endian float32 (`size` 4) or float64 (8) at `pos`, advancing it. */
  private float(size: 4 | 8): number {
    const at = this.pos;
    this.pos += size;
    this.valueAt = at;
    this.valueSize = size;
    return size === 4 ? this.view.getFloat32(at, true) : this.view.getFloat64(at, true);
  }

  /** `Summary` up to `end`: only `value` fields (1), each a scalar. */
  private summary(end: number): boolean {
    const buf = this.buf;
    while (this.pos < end) {
      if (buf[this.pos++] !== 0x0a) return false;
      const len = this.varint(end);
      if (len < 0 || this.pos + len > end) return false;
      const stop = this.pos + len;
      if (!this.value(stop)) return false;
      this.pos = stop;
    }
    return true;
  }

  /** `Summary.Value` up to `end`: a tag, then a `simple_value` or a one-element tensor, with optional metadata. */
  private value(end: number): boolean {
    const buf = this.buf;
    // The fast path: a Value that begins with its tag (a one-byte length) and whose bytes after the tag are those of
    // the tag's last Value up to the value itself (the same metadata and tensor header; TF and this project's writer
    // repeat them in every record), is read as that one was, straight from the value's bytes.
    let entry: TagEntry | undefined;
    let tagEnd = 0;
    const first = this.pos;
    if (buf[first] === 0x0a && buf[first + 1]! < 0x80 && first + 2 + buf[first + 1]! <= end) {
      tagEnd = first + 2 + buf[first + 1]!;
      entry = this.entry(first + 2, tagEnd);
      const rest = entry.rest;
      const at = end - entry.size;
      if (rest !== undefined && at - tagEnd === rest.byteLength && sameWords(this.view, tagEnd, rest)) {
        const value = entry.size === 4 ? this.view.getFloat32(at, true) : this.view.getFloat64(at, true);
        this.add(entry.tag, value, entry.plugin, entry.tensor);
        this.pos = end;
        return true;
      }
    }
    this.valueAt = -1;
    let tag: string | undefined;
    let value: number | undefined;
    let tensor = false;
    let plugin = '';
    while (this.pos < end) {
      const key = buf[this.pos++]!;
      if (key === 0x15) {
        if (this.pos + 4 > end || value !== undefined) return false;
        value = this.float(4);
        continue;
      }
      // Every other field this path accepts is length-delimited.
      const len = this.varint(end);
      if (len < 0 || this.pos + len > end) return false;
      const start = this.pos;
      const stop = start + len;
      if (key === 0x0a && tag === undefined) tag = this.tag(start, stop);
      else if (key === 0x42 && value === undefined) {
        const v = this.tensor(stop);
        if (v === undefined) return false;
        value = v;
        tensor = true;
      } else if (key === 0x4a) {
        const p = this.pluginName(stop);
        if (p === undefined) return false;
        plugin = p;
      } else return false;
      this.pos = stop;
    }
    // An empty tag (the decoder falls back to node_name) or no value: the general path decides.
    if (!tag || value === undefined || (tensor && plugin !== '' && plugin !== 'scalars')) return false;
    if (entry !== undefined && this.valueAt >= tagEnd && this.valueAt + this.valueSize === end) {
      // Read in full, the value last: what came between the tag and it is the template for the tag's next Value.
      const rest = buf.slice(tagEnd, this.valueAt);
      entry.rest = new DataView(rest.buffer);
      entry.size = this.valueSize as 4 | 8;
      entry.plugin = plugin;
      entry.tensor = tensor;
    }
    this.add(tag, value, plugin, tensor);
    return true;
  }

  private add(tag: string, value: number, plugin: string, tensor: boolean): void {
    const i = this.count++;
    this.tags[i] = tag;
    this.values[i] = value;
    this.plugins[i] = plugin;
    this.tensors[i] = tensor;
  }

  /**
   * `TensorProto` up to `end` with exactly one float or double element (as `tensor_content`, `float_val` or
   * `double_val`), the cases {@link tensorValues} reads that way; undefined for anything else.
   */
  private tensor(end: number): number | undefined {
    const buf = this.buf;
    let dtype = 0;
    let value: number | undefined;
    let values = 0;
    while (this.pos < end) {
      const key = buf[this.pos++]!;
      if (key === 0x08) {
        dtype = this.varint(end);
        if (dtype < 0) return undefined;
      } else if (key === 0x2d || key === 0x31) {
        // unpacked float_val / double_val
        const size = key === 0x2d ? 4 : 8;
        if (this.pos + size > end) return undefined;
        value = this.float(size);
        values += 1;
      } else {
        const len = this.varint(end);
        if (len < 0 || this.pos + len > end) return undefined;
        if (key === 0x12) {
          this.pos += len; // tensor_shape: the element count is what matters
          continue;
        }
        // tensor_content (by dtype, which must come first on the wire), packed float_val, packed double_val
        if (key !== 0x22 && key !== 0x2a && key !== 0x32) return undefined;
        const size = key === 0x2a ? 4 : key === 0x32 ? 8 : dtype === 1 ? 4 : dtype === 2 ? 8 : 0;
        if (len !== size || size === 0) return undefined;
        value = this.float(size);
        values += 1;
      }
    }
    // DT_STRING never holds a number.
    return values === 1 && dtype !== 7 ? value : undefined;
  }

  /** The plugin name in `SummaryMetadata` up to `end` (`''` when none); undefined on an unexpected shape. */
  private pluginName(end: number): string | undefined {
    const buf = this.buf;
    let name = '';
    while (this.pos < end) {
      const key = buf[this.pos++]!;
      const len = this.varint(end);
      if (len < 0) return undefined;
      if (key === 0x20) continue; // data_class: the varint was its value
      if (this.pos + len > end) return undefined;
      const stop = this.pos + len;
      if (key === 0x0a) {
        // PluginData: plugin_name (1), content (2)
        while (this.pos < stop) {
          const k = buf[this.pos++]!;
          const l = this.varint(stop);
          if (l < 0 || this.pos + l > stop || (k !== 0x0a && k !== 0x12)) return undefined;
          const s = this.pos;
          this.pos += l;
          if (k === 0x0a)
            name = sameBytes(buf, s, this.pos, SCALARS) ? 'scalars' : utf8.decode(buf.subarray(s, this.pos));
        }
      } else if (key !== 0x12 && key !== 0x1a) return undefined; // display_name, summary_description
      this.pos = stop;
    }
    return name;
  }

  private tag(start: number, end: number): string {
    return this.entry(start, end).tag;
  }

  /** The cache entry of the tag in `buf[start, end)`. */
  private entry(start: number, end: number): TagEntry {
    const buf = this.buf;
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const slot = (h >>> 0) % TAG_CACHE_SIZE;
    const hit = this.tagCache[slot];
    if (hit && sameBytes(buf, start, end, hit.bytes)) return hit;
    const bytes = buf.slice(start, end);
    const entry: TagEntry = { bytes, tag: utf8.decode(bytes), rest: undefined, size: 4, plugin: '', tensor: false };
    this.tagCache[slot] = entry;
    return entry;
  }
}

/** Whether `view[start, start + other.byteLength)` holds `other`'s bytes: compared four at a time. */
function sameWords(view: DataView, start: number, other: DataView): boolean {
  const n = other.byteLength;
  let i = 0;
  for (; i + 4 <= n; i += 4) if (view.getInt32(start + i, true) !== other.getInt32(i, true)) return false;
  for (; i < n; i++) if (view.getUint8(start + i) !== other.getUint8(i)) return false;
  return true;
}

function sameBytes(buf: Uint8Array, start: number, end: number, other: Uint8Array): boolean {
  if (end - start !== other.length) return false;
  for (let i = 0; i < other.length; i++) if (buf[start + i] !== other[i]) return false;
  return true;
}
