/**
 * The option names each public options object of @estimatorjs/summary accepts, one list per interface, held by
 * `keysOf` so the compiler refuses a list that misses a field. Owns: refusing unknown option keys (`flush_secs` names
 * `flushSecs`) so a misspelled option is never silently ignored. Does not own: checking the options' values.
 */
import { checkKnownKeys, keysOf } from '@estimatorjs/errors';
import type { BrowserWriterOptions } from '../create-browser-writer.js';
import { SummaryError } from '../errors.js';
import type { EventWriterOptions } from '../event-writer.js';
import type { IndexedDbOptions } from '../indexed-db-event-sink.js';
import type { FileWriterOptions } from '../node/create-file-writer.js';
import type { EncodePngOptions } from '../png.js';
import type { HistogramOptions, ImageOptions, SessionLogOptions } from '../summary-writer.js';
import type { ReadTFRecordsOptions } from '../tfrecord.js';

export const KNOWN_OPTIONS = {
  eventWriter: keysOf<EventWriterOptions>()(['logdir', 'flushSecs', 'maxQueue', 'clock']),
  fileWriter: keysOf<FileWriterOptions>()(['flushSecs', 'filenameSuffix', 'maxQueue', 'clock']),
  browserWriter: keysOf<BrowserWriterOptions>()(['dbName', 'indexedDB', 'flushSecs', 'filenameSuffix', 'host']),
  indexedDb: keysOf<IndexedDbOptions>()(['dbName', 'indexedDB']),
  indexedDbFiles: keysOf<IndexedDbOptions & { readonly logdir?: string }>()(['dbName', 'indexedDB', 'logdir']),
  histogram: keysOf<HistogramOptions>()(['buckets']),
  image: keysOf<ImageOptions>()(['maxOutputs']),
  sessionLog: keysOf<SessionLogOptions>()(['checkpointPath', 'msg']),
  readTFRecords: keysOf<ReadTFRecordsOptions>()(['source', 'checkDataCrc', 'onTruncated']),
  readEvents: keysOf<Omit<ReadTFRecordsOptions, 'source'>>()(['checkDataCrc', 'onTruncated']),
  encodePng: keysOf<EncodePngOptions>()(['compression']),
} as const;

/**
 * Throws one SummaryError unless `options` is undefined or an object holding only `known` keys; the message names
 * the API, the key and the nearest known one. Codes: `UNKNOWN_OPTION`, `SUMMARY_ARGUMENT` (not an object).
 */
export function checkOptionKeys(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(
    api,
    options,
    known,
    (code, message) => new SummaryError(code === 'INVALID_OPTIONS' ? 'SUMMARY_ARGUMENT' : code, message),
  );
}
