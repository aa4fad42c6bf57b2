/**
 * Fixed-length records (TF's `FixedLengthRecordDataset`): binary files of `headerBytes`, then records of exactly
 * `recordBytes`, then `footerBytes`, read as a stream. Owns: the record cutting and its errors. Does not own:
 * opening and decompressing the sources (internal/byte-stream.ts) or the file arguments (internal/filenames.ts).
 */
import { Dataset } from './dataset.js';
import { DataError } from './errors.js';
import { checkCount } from './internal/arguments.js';
import { byteChunks } from './internal/byte-stream.js';
import { sourceName } from './internal/bytes.js';
import { filenameSources } from './internal/filenames.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { type CompressionType, compressionMode, type RecordSources } from './tfrecord.js';

/** Options of {@link fixedLengthRecordDataset}. */
export interface FixedLengthRecordOptions {
  /** Bytes to skip at the start of each file (default 0). */
  readonly headerBytes?: number;
  /** Bytes to ignore at the end of each file (default 0). */
  readonly footerBytes?: number;
  /** `''` (none), `'GZIP'` or `'ZLIB'`; anything else is an error. Default: gzip when the file starts with its magic. */
  readonly compressionType?: CompressionType;
}

/**
 * The records of fixed-length binary files, in order, as `Uint8Array`s of `recordBytes` each. A file whose body
 * (between header and footer) is not a whole number of records is an error that names the file, never a record cut short.
 * @example
 *   // CIFAR-10: 1 label byte + 3072 pixel bytes per record
 *   const records = fixedLengthRecordDataset(['data_batch_1.bin'], 3073);
 */
export function fixedLengthRecordDataset(
  sources: RecordSources,
  recordBytes: number,
  opts: FixedLengthRecordOptions = {},
): Dataset<Uint8Array> {
  const api = 'fixedLengthRecordDataset()';
  checkOptionKeys(api, opts, KNOWN_OPTIONS.fixedLengthRecord);
  checkCount(api, 'recordBytes', recordBytes, 1);
  const header = checkCount(api, 'headerBytes', opts.headerBytes ?? 0, 0);
  const footer = checkCount(api, 'footerBytes', opts.footerBytes ?? 0, 0);
  const mode = compressionMode(api, opts.compressionType);
  const names = filenameSources(api, sources);
  const placeholders = sources instanceof Dataset ? sources._placeholders : [];
  return new Dataset(
    async function* records(ctx) {
      for await (const src of names(ctx)) {
        // `pending` holds bytes not yet cut; the last `footer` bytes seen can never start a record
        let pending = new Uint8Array(0);
        let skip = header;
        let total = 0;
        for await (let chunk of byteChunks(api, src, mode)) {
          total += chunk.length;
          if (skip > 0) {
            const n = Math.min(skip, chunk.length);
            skip -= n;
            chunk = chunk.subarray(n);
          }
          if (chunk.length === 0) continue;
          const joined = new Uint8Array(pending.length + chunk.length);
          joined.set(pending);
          joined.set(chunk, pending.length);
          let at = 0;
          while (joined.length - at - footer >= recordBytes) {
            yield joined.slice(at, at + recordBytes);
            at += recordBytes;
          }
          pending = joined.subarray(at);
        }
        if (skip > 0 || pending.length < footer || pending.length - footer !== 0) {
          const body = total - header - footer;
          throw new DataError(
            'DATA_LOSS',
            `${api}: '${sourceName(src)}' has ${total} bytes; after a ${header}-byte header and a ${footer}-byte footer, its body of ${body} bytes is not a whole number of ${recordBytes}-byte records. Expected header + n × recordBytes + footer bytes (is the file truncated, or recordBytes wrong?).`,
          );
        }
      }
    },
    null,
    placeholders,
  );
}
