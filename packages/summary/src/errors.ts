import { EstimatorError } from '@estimatorjs/errors';

/**
 * Base class of every error `@estimatorjs/summary` throws; `code` is stable across versions.
 *
 * Codes: `SUMMARY_ARGUMENT` (a bad argument to a summary call), `SUMMARY_CLOSED` (write after `close()`),
 * `SUMMARY_CORRUPT` (a damaged event file; see {@link EventFileCorruptError}), `SUMMARY_BAD_PROTO` (bytes that
 * are not the expected protobuf message), `SUMMARY_IO` (a sink failed), `SUMMARY_UNSUPPORTED` (this platform
 * lacks what the call needs).
 * @example
 *   try { writer.scalar('loss', NaN, -1); } catch (e) { if (e instanceof SummaryError) console.log(e.code); }
 */
export class SummaryError extends EstimatorError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SummaryError';
  }
}

/** What was wrong with a record of an event file. */
export type CorruptionKind = 'truncated' | 'length-crc' | 'data-crc' | 'bad-event';

/**
 * An event file is damaged at byte `offset` (code `SUMMARY_CORRUPT`): a truncated record, a CRC mismatch or an
 * undecodable Event.
 * @example
 *   try { readEventRecords(bytes); } catch (e) { if (e instanceof EventFileCorruptError) console.log(e.kind, 'at byte', e.offset); }
 */
export class EventFileCorruptError extends SummaryError {
  /** Byte offset of the first byte of the damaged record. */
  readonly offset: number;
  /** What was wrong. */
  readonly kind: CorruptionKind;
  /** The file (or sink name) that was read, when known. */
  readonly source: string | undefined;
  constructor(kind: CorruptionKind, offset: number, message: string, source?: string, options?: { cause?: unknown }) {
    super('SUMMARY_CORRUPT', message, options);
    this.name = 'EventFileCorruptError';
    this.kind = kind;
    this.offset = offset;
    this.source = source;
  }
}
