/**
 * TFRecord files: each record is `uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)`,
 * little-endian. Reading checks both CRCs and reports the byte offset of a corrupted or truncated record.
 */
import { Dataset } from './dataset.js';
import { byteChunks, type GzipMode } from './internal/byte-stream.js';
import { type ByteSource, sourceName } from './internal/bytes.js';
import { maskedCrc32c } from './internal/crc32c.js';
import { TFRecordFramer } from './internal/tfrecord-framer.js';

export type { ByteSource } from './internal/bytes.js';

/**
 * Splits TFRecord bytes into records (views into `bytes`), checking CRCs.
 * @example
 *   for (const rec of decodeTFRecords(bytes)) console.log(rec.length);
 */
export function* decodeTFRecords(bytes: Uint8Array, name = 'input'): Generator<Uint8Array> {
  const framer = new TFRecordFramer('decodeTFRecords()', name);
  framer.feed(bytes);
  for (let rec = framer.next(); rec !== null; rec = framer.next()) yield rec;
  framer.end();
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
 * The records of one or more TFRecord sources, in order, as `Uint8Array`s (TF's `TFRecordDataset`). Sources are
 * streamed: memory stays bounded by a few chunks whatever the file size, and the first record arrives before the
 * file is read through.
 * @example
 *   const examples = tfRecordDataset(await fileSource('train.tfrecord')).map((r) => parseSingleExample(r, spec));
 */
export function tfRecordDataset(
  sources: ByteSource | readonly ByteSource[],
  opts: TFRecordOptions = {},
): Dataset<Uint8Array> {
  const list = Array.isArray(sources) ? [...sources] : [sources as ByteSource];
  const type = opts.compressionType;
  const gzip: GzipMode = type === 'GZIP' ? 'always' : type === undefined ? 'auto' : 'never';
  // a direct producer: one async step per record (fromGenerator would add a wrapper's)
  return new Dataset(async function* records() {
    for (const src of list) {
      const framer = new TFRecordFramer('tfRecordDataset()', sourceName(src));
      for await (const chunk of byteChunks('tfRecordDataset()', src, gzip)) {
        framer.feed(chunk);
        for (let rec = framer.next(); rec !== null; rec = framer.next()) yield rec;
      }
      framer.end();
    }
  }, null);
}
