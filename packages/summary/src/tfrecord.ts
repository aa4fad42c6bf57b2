/** TFRecord framing: `uint64 length | masked crc32c(length) | data | masked crc32c(data)`, little-endian. */
import { crc32c, maskCrc32c } from './crc32c.js';
import { EventFileCorruptError } from './errors.js';

/** One record read from a TFRecord stream. */
export interface TFRecord {
  /** Byte offset of the record's header in the stream. */
  readonly offset: number;
  /** The payload (a view into the stream's bytes). */
  readonly data: Uint8Array;
}

/**
 * Frames `data` as one TFRecord (16 bytes of framing around the payload).
 * @example
 *   const framed = encodeTFRecord(eventBytes);
 */
export function encodeTFRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length % 0x100000000, true);
  view.setUint32(4, Math.floor(data.length / 0x100000000), true);
  view.setUint32(8, maskCrc32c(crc32c(out, 0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskCrc32c(crc32c(data)), true);
  return out;
}

/** Options of {@link readTFRecords}. */
export interface ReadTFRecordsOptions {
  /** Named in errors (a file path or sink name). */
  readonly source?: string;
  /** Verify the payload CRCs too (default true; length CRCs are always verified). */
  readonly checkDataCrc?: boolean;
  /** A truncated last record: `'throw'` (default) or `'stop'` (a file being written, or cut by a crash). */
  readonly onTruncated?: 'throw' | 'stop';
}

/**
 * Iterates the records of a TFRecord stream held in memory, verifying the CRCs.
 * Throws {@link EventFileCorruptError} (with the byte offset) at the first damaged record.
 * @example
 *   for (const { offset, data } of readTFRecords(bytes)) console.log(offset, data.length);
 */
export function* readTFRecords(bytes: Uint8Array, options: ReadTFRecordsOptions = {}): Generator<TFRecord> {
  const { source, checkDataCrc = true, onTruncated = 'throw' } = options;
  const where = source ? ` of ${source}` : '';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) {
      if (onTruncated === 'stop') return;
      throw new EventFileCorruptError(
        'truncated',
        pos,
        `readTFRecords(): truncated record header at byte ${pos}${where}: ${bytes.length - pos} of 12 header bytes present (the writer was interrupted, or the file is still being written).`,
        source,
      );
    }
    const lenCrc = view.getUint32(pos + 8, true);
    if (maskCrc32c(crc32c(bytes, pos, pos + 8)) !== lenCrc) {
      throw new EventFileCorruptError(
        'length-crc',
        pos,
        `readTFRecords(): length CRC mismatch at byte ${pos}${where}: the record header is corrupt (expected masked CRC32C 0x${maskCrc32c(crc32c(bytes, pos, pos + 8)).toString(16)}, found 0x${lenCrc.toString(16)}).`,
        source,
      );
    }
    const len = view.getUint32(pos, true) + view.getUint32(pos + 4, true) * 0x100000000;
    const end = pos + 12 + len + 4;
    if (end > bytes.length) {
      if (onTruncated === 'stop') return;
      throw new EventFileCorruptError(
        'truncated',
        pos,
        `readTFRecords(): truncated record at byte ${pos}${where}: header says ${len} data bytes but only ${Math.max(0, bytes.length - pos - 16)} follow.`,
        source,
      );
    }
    const data = bytes.subarray(pos + 12, pos + 12 + len);
    if (checkDataCrc) {
      const want = view.getUint32(pos + 12 + len, true);
      const got = maskCrc32c(crc32c(data));
      if (got !== want) {
        throw new EventFileCorruptError(
          'data-crc',
          pos,
          `readTFRecords(): data CRC mismatch in the record at byte ${pos}${where} (${len} data bytes): expected masked CRC32C 0x${want.toString(16)}, computed 0x${got.toString(16)}.`,
          source,
        );
      }
    }
    yield { offset: pos, data };
    pos = end;
  }
}
