/**
 * TFRecord files: each record is `uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)`,
 * little-endian. Reading checks both CRCs and reports the byte offset of a corrupted or truncated record.
 * Owns: sources, gzip and this package's errors. Does not own: the framing (@estimatorjs/io's).
 */
import { encodeTFRecords, readTFRecords, TFRecordCorruptError, TFRecordFramer } from '@estimatorjs/io';
import { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { byteChunks, type GzipMode } from './internal/byte-stream.js';
import { type ByteSource, sourceName } from './internal/bytes.js';

export type { ByteSource } from './internal/bytes.js';
export { encodeTFRecords };

/**
 * Splits TFRecord bytes into records (views into `bytes`), checking CRCs.
 * @example
 *   for (const rec of decodeTFRecords(bytes)) console.log(rec.length);
 */
export function* decodeTFRecords(bytes: Uint8Array, name = 'input'): Generator<Uint8Array> {
  try {
    for (const rec of readTFRecords(bytes, { api: 'decodeTFRecords()', source: name })) yield rec.data;
  } catch (e) {
    throw dataLoss(e);
  }
}

/** io's framing error as this package's `DataError` (code `DATA_LOSS`, same message); anything else unchanged. */
function dataLoss(e: unknown): unknown {
  return e instanceof TFRecordCorruptError ? new DataError('DATA_LOSS', e.message, { cause: e }) : e;
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
 *   import { fileSource } from '@estimatorjs/data/node';
 *   const examples = tfRecordDataset(await fileSource('train.tfrecord')).map((r) => parseSingleExample(r, exampleSpec));
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
      try {
        for await (const chunk of byteChunks('tfRecordDataset()', src, gzip)) {
          framer.feed(chunk);
          for (let rec = framer.next(); rec !== null; rec = framer.next()) yield rec;
        }
        framer.end();
      } catch (e) {
        throw dataLoss(e);
      }
    }
  }, null);
}
