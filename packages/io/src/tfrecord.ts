/**
 * TFRecord records in one buffer: framing records for writing, and reading every record of bytes held in memory.
 * Each record is `uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)`, little-endian.
 * Owns: the byte layout. Does not own: streaming reads (see {@link TFRecordFramer}, which this reader uses).
 */
import { maskedCrc32c } from './crc32c.js';
import { TFRecordFramer, type TFRecordFramerOptions } from './tfrecord-framer.js';

/** Bytes of framing around each record's data: 12 before (length + its CRC), 4 after (the data's CRC). */
export const TFRECORD_OVERHEAD = 16;

/**
 * Fills in the framing of a record laid out in `record` as 12 free bytes, the data, then 4 free bytes, in place
 * (for writers that encode the data straight into the record's buffer).
 * @example
 *   const rec = new Uint8Array(bytes.length + 16); rec.set(bytes, 12); sealTFRecord(rec);
 */
export function sealTFRecord(record: Uint8Array): Uint8Array {
  const len = record.length - TFRECORD_OVERHEAD;
  const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
  view.setUint32(0, len % 0x100000000, true);
  view.setUint32(4, Math.floor(len / 0x100000000), true);
  view.setUint32(8, maskedCrc32c(record, 0, 8), true);
  view.setUint32(12 + len, maskedCrc32c(record, 12, 12 + len), true);
  return record;
}

/**
 * Frames `data` as one TFRecord (16 bytes of framing around the payload).
 * @example
 *   const framed = encodeTFRecord(eventBytes);
 */
export function encodeTFRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + TFRECORD_OVERHEAD);
  out.set(data, 12);
  return sealTFRecord(out);
}

/**
 * Frames records as one TFRecord byte buffer (strings are written as UTF-8).
 * @example
 *   const file = encodeTFRecords([record, eventBytes]);
 */
export function encodeTFRecords(records: Iterable<Uint8Array | string>): Uint8Array {
  const enc = new TextEncoder();
  const list = Array.from(records, (r) => (typeof r === 'string' ? enc.encode(r) : r));
  const out = new Uint8Array(list.reduce((n, r) => n + r.length + TFRECORD_OVERHEAD, 0));
  let off = 0;
  for (const r of list) {
    const rec = out.subarray(off, off + r.length + TFRECORD_OVERHEAD);
    rec.set(r, 12);
    sealTFRecord(rec);
    off += rec.length;
  }
  return out;
}

/** One record read from a TFRecord stream. */
export interface TFRecord {
  /** Byte offset of the record's header in the stream. */
  readonly offset: number;
  /** The payload (a view into the stream's bytes). */
  readonly data: Uint8Array;
}

/** Options of {@link readTFRecords}. */
export interface ReadTFRecordsOptions extends TFRecordFramerOptions {
  /** Starts every error message (default `readTFRecords()`). */
  readonly api?: string;
  /** Named in errors: a file path or sink name (default `bytes`). */
  readonly source?: string;
}

/**
 * Iterates the records of TFRecord bytes held in memory, verifying the CRCs. Throws `TFRecordCorruptError` (kind,
 * byte offset, record index) at the first damaged or truncated record, after yielding the ones before it.
 * @example
 *   for (const { offset, data } of readTFRecords(bytes)) console.log(offset, data.length);
 */
export function* readTFRecords(bytes: Uint8Array, options: ReadTFRecordsOptions = {}): Generator<TFRecord> {
  const framer = new TFRecordFramer(options.api ?? 'readTFRecords()', options.source ?? 'bytes', options);
  framer.feed(bytes);
  for (let data = framer.next(); data !== null; data = framer.next()) yield { offset: framer.offset, data };
  framer.end();
}
