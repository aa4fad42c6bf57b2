/** Reads every Event of an event file held in memory. */
import { EventFileCorruptError, SummaryError } from './errors.js';
import type { Event } from './event.js';
import { decodeEvent } from './event-decoder.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { type ReadTFRecordsOptions, readTFRecords } from './tfrecord.js';

/**
 * Decodes the Events of an event file's bytes (TFRecord-framed `Event` protos), each with its byte `offset`.
 * Throws {@link EventFileCorruptError} naming the offset of the first damaged record.
 * @example
 *   const sink = new MemoryEventSink();
 *   const w = new EventWriter(sink); w.scalar('loss', 0.5, 1); await w.close();
 *   const events = readEventRecords(sink.bytes()); // [file_version, loss@1]
 */
export function readEventRecords(bytes: Uint8Array | ArrayBuffer, options: ReadTFRecordsOptions = {}): Event[] {
  checkOptionKeys('readEventRecords()', options, KNOWN_OPTIONS.readTFRecords);
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const out: Event[] = [];
  for (const rec of readTFRecords(data, options)) out.push(decodeRecord(rec.data, rec.offset, options.source));
  return out;
}

/** Decodes one record's payload, turning a malformed proto into an {@link EventFileCorruptError}. */
export function decodeRecord(data: Uint8Array, offset: number, source?: string): Event {
  try {
    return { ...decodeEvent(data), offset };
  } catch (e) {
    if (e instanceof SummaryError && e.code === 'SUMMARY_BAD_PROTO') {
      const where = source ? ` of ${source}` : '';
      throw new EventFileCorruptError(
        'bad-event',
        offset,
        `readEventRecords(): the record at byte ${offset}${where} has valid CRCs but is not an Event: ${e.message}`,
        source,
        { cause: e },
      );
    }
    throw e;
  }
}
