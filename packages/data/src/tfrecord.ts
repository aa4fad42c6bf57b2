/**
 * TFRecord files: each record is `uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)`,
 * little-endian. Reading checks both CRCs and reports the byte offset of a corrupted or truncated record.
 * Owns: sources, compression (GZIP, ZLIB) and this package's errors. Does not own: the framing (@estimatorjs/io's).
 */
import { encodeTFRecords, readTFRecords, TFRecordCorruptError, TFRecordFramer } from '@estimatorjs/io';
import type * as tf from '@tensorflow/tfjs-core';
import { Dataset } from './dataset.js';
import { DataError, invalidArgument } from './errors.js';
import { byteChunks, type Compression } from './internal/byte-stream.js';
import { type ByteSource, sourceName } from './internal/bytes.js';
import { filenameSources } from './internal/filenames.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';

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
function dataLoss(e: unknown, hint = ''): unknown {
  return e instanceof TFRecordCorruptError ? new DataError('DATA_LOSS', e.message + hint, { cause: e }) : e;
}

/** An RFC 1950 header: deflate (CM 8) with a window of at most 32 KiB, and a check that makes the pair divisible by 31. */
function looksZlib(b: Uint8Array): boolean {
  return b.length >= 2 && (b[0]! & 0x0f) === 8 && b[0]! >> 4 <= 7 && ((b[0]! << 8) | b[1]!) % 31 === 0;
}

/** TF's `compression_type`: `''` (none), `'GZIP'` or `'ZLIB'`. */
export type CompressionType = '' | 'GZIP' | 'ZLIB';

/** Options of {@link tfRecordDataset}. */
export interface TFRecordOptions {
  /**
   * `''` (none), `'GZIP'` or `'ZLIB'`; anything else is an error. Default: gzip when the bytes start with the gzip
   * magic, otherwise none (ZLIB data has no reliable magic: pass `'ZLIB'`).
   */
  readonly compressionType?: CompressionType;
}

/** The file arguments readers accept: sources, a string tensor of names, or a Dataset of names. */
export type RecordSources = ByteSource | readonly ByteSource[] | tf.Tensor | Dataset<unknown>;

/** `compressionType` as a byte-stream mode; an unknown value is an error (never read as uncompressed). */
export function compressionMode(api: string, type: unknown): Compression {
  if (type === undefined) return 'auto';
  if (type === '') return 'none';
  if (type === 'GZIP') return 'gzip';
  if (type === 'ZLIB') return 'zlib';
  throw invalidArgument(
    `${api}: unknown compressionType ${JSON.stringify(type)}. Expected '' (none), 'GZIP' or 'ZLIB' (TF's names, upper case).`,
  );
}

/**
 * The records of one or more TFRecord sources, in order, as `Uint8Array`s (TF's `TFRecordDataset`). Sources are
 * streamed: memory stays bounded by a few chunks whatever the file size, and the first record arrives before the
 * file is read through. `sources` may also be a string tensor of file names or a Dataset of them (in Node a name
 * is a path; in the browser a URL).
 * @example
 *   import { fileSource } from '@estimatorjs/data/node';
 *   const examples = tfRecordDataset(await fileSource('train.tfrecord')).map((r) => parseSingleExample(r, exampleSpec));
 */
export function tfRecordDataset(sources: RecordSources, opts: TFRecordOptions = {}): Dataset<Uint8Array> {
  const api = 'tfRecordDataset()';
  checkOptionKeys(api, opts, KNOWN_OPTIONS.tfRecord);
  const mode = compressionMode(api, opts.compressionType);
  const names = filenameSources(api, sources);
  const placeholders = sources instanceof Dataset ? sources._placeholders : [];
  // a direct producer: one async step per record (fromGenerator would add a wrapper's)
  return new Dataset(
    async function* records(ctx) {
      for await (const src of names(ctx)) {
        const framer = new TFRecordFramer(api, sourceName(src));
        let head: Uint8Array | null = null;
        try {
          for await (const chunk of byteChunks(api, src, mode)) {
            head ??= chunk;
            framer.feed(chunk);
            for (let rec = framer.next(); rec !== null; rec = framer.next()) yield rec;
          }
          framer.end();
        } catch (e) {
          // a ZLIB file read as uncompressed fails its first CRC: say what it most likely is
          const hint = mode !== 'zlib' && mode !== 'gzip' && head !== null && looksZlib(head);
          throw dataLoss(e, hint ? " The data starts with a zlib header: pass { compressionType: 'ZLIB' }." : '');
        }
      }
    },
    null,
    placeholders,
  );
}
