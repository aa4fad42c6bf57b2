/**
 * Reading event files' TFRecord framing with this package's errors. The framing itself (and `encodeTFRecord`) is
 * @estimatorjs/io's; this module turns its `TFRecordCorruptError` into an {@link EventFileCorruptError} and adds
 * the `onTruncated: 'stop'` mode for files still being written.
 */
import { readTFRecords as readRecords, type TFRecord, TFRecordCorruptError } from '@estimatorjs/io';
import { EventFileCorruptError } from './errors.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';

export { encodeTFRecord, type TFRecord } from '@estimatorjs/io';

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
  checkOptionKeys('readTFRecords()', options, KNOWN_OPTIONS.readTFRecords);
  const { source, checkDataCrc = true, onTruncated = 'throw' } = options;
  try {
    yield* readRecords(bytes, { api: 'readTFRecords()', source: source ?? 'bytes', checkDataCrc });
  } catch (e) {
    if (!(e instanceof TFRecordCorruptError)) throw e;
    if (e.kind === 'truncated' && onTruncated === 'stop') return;
    throw eventFileError(e, source);
  }
}

/** The {@link EventFileCorruptError} a framing error of an event file becomes (with a hint when truncated). */
export function eventFileError(e: TFRecordCorruptError, source: string | undefined): EventFileCorruptError {
  const hint =
    e.kind === 'truncated'
      ? " The writer was interrupted, or the file is still being written: pass { onTruncated: 'stop' } to read the whole records before it."
      : '';
  return new EventFileCorruptError(e.kind, e.offset, `${e.message}${hint}`, source, { cause: e });
}
