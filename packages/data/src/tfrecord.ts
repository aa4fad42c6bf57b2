/**
 * TFRecord files: each record is `uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)`,
 * little-endian. Reading checks both CRCs and reports the byte offset of a corrupted or truncated record.
 */
import { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { type ByteSource, readBytes, sourceName } from './internal/bytes.js';
import { maskedCrc32c } from './internal/crc32c.js';
import { gunzip, isGzip } from './internal/gunzip.js';

export type { ByteSource } from './internal/bytes.js';

/**
 * Splits TFRecord bytes into records (views into `bytes`), checking CRCs.
 * @example
 *   for (const rec of decodeTFRecords(bytes)) console.log(rec.length);
 */
export function* decodeTFRecords(bytes: Uint8Array, name = 'input'): Generator<Uint8Array> {
  const api = 'decodeTFRecords()';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  let index = 0;
  while (off < bytes.length) {
    if (off + 12 > bytes.length) {
      throw new DataError(
        'DATA_LOSS',
        `${api}: ${name}: truncated record ${index} at byte offset ${off}: expected a 12-byte header, found ${bytes.length - off} bytes.`,
      );
    }
    const lo = view.getUint32(off, true);
    const hi = view.getUint32(off + 4, true);
    const lenCrc = view.getUint32(off + 8, true);
    const want = maskedCrc32c(bytes, off, off + 8);
    if (lenCrc !== want) {
      throw new DataError(
        'DATA_LOSS',
        `${api}: ${name}: corrupted record ${index} at byte offset ${off}: length CRC mismatch (stored 0x${lenCrc.toString(16)}, computed 0x${want.toString(16)}).`,
      );
    }
    const len = hi * 4294967296 + lo;
    const start = off + 12;
    if (start + len + 4 > bytes.length) {
      throw new DataError(
        'DATA_LOSS',
        `${api}: ${name}: truncated record ${index} at byte offset ${off}: expected ${len + 16} bytes, found ${bytes.length - off}.`,
      );
    }
    const dataCrc = view.getUint32(start + len, true);
    const got = maskedCrc32c(bytes, start, start + len);
    if (dataCrc !== got) {
      throw new DataError(
        'DATA_LOSS',
        `${api}: ${name}: corrupted record ${index} at byte offset ${off}: data CRC mismatch over bytes ${start}..${start + len} (stored 0x${dataCrc.toString(16)}, computed 0x${got.toString(16)}).`,
      );
    }
    yield bytes.subarray(start, start + len);
    off = start + len + 4;
    index++;
  }
}

/**
 * Frames records as one TFRecord byte buffer.
 * @example
 *   const bytes = encodeTFRecords([encodeExample({ x: { floatList: [1, 2] } })]);
 */
export function encodeTFRecords(records: Iterable<Uint8Array | string>): Uint8Array {
  const enc = new TextEncoder();
  const list = Array.from(records, (r) => (typeof r === 'string' ? enc.encode(r) : r));
  const out = new Uint8Array(list.reduce((n, r) => n + r.length + 16, 0));
  const view = new DataView(out.buffer);
  let off = 0;
  for (const r of list) {
    view.setUint32(off, r.length >>> 0, true);
    view.setUint32(off + 4, Math.floor(r.length / 4294967296), true);
    view.setUint32(off + 8, maskedCrc32c(out, off, off + 8), true);
    out.set(r, off + 12);
    view.setUint32(off + 12 + r.length, maskedCrc32c(r), true);
    off += r.length + 16;
  }
  return out;
}

/** Options of {@link tfRecordDataset}. */
export interface TFRecordOptions {
  /** `'GZIP'` or `''` (default: detected from the gzip magic bytes). */
  readonly compressionType?: '' | 'GZIP';
}

/**
 * The records of one or more TFRecord sources, in order, as `Uint8Array`s (TF's `TFRecordDataset`).
 * @example
 *   const examples = tfRecordDataset(await fileSource('train.tfrecord')).map((r) => parseSingleExample(r, spec));
 */
export function tfRecordDataset(
  sources: ByteSource | readonly ByteSource[],
  opts: TFRecordOptions = {},
): Dataset<Uint8Array> {
  const list = Array.isArray(sources) ? [...sources] : [sources as ByteSource];
  return Dataset.fromGenerator(async function* records() {
    for (const src of list) {
      const name = sourceName(src);
      let bytes = await readBytes('tfRecordDataset()', src);
      if (opts.compressionType === 'GZIP' || (opts.compressionType === undefined && isGzip(bytes)))
        bytes = await gunzip(bytes, 'tfRecordDataset()', name);
      yield* decodeTFRecords(bytes, name);
    }
  });
}
