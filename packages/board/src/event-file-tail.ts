/**
 * EventFileTail: reads an event file as it grows, one appended chunk at a time.
 * Owns: the per-file byte offset, the reading of only the bytes after it, what to do with a damaged tail.
 * Does not own: the framing, CRCs and Event decoding (@estimatorjs/summary's reader over @estimatorjs/io).
 */
import { open } from 'node:fs/promises';
import {
  decodeEvent,
  type Event,
  EventFileCorruptError,
  type EventScalarVisitor,
  readTFRecords,
  SummaryError,
  scanEventScalars,
} from '@estimatorjs/summary';

/** A damaged record the board skipped: it stops reading the file there and says so. */
export interface ReadProblem {
  readonly file: string;
  /** Byte offset of the damaged record in the file. */
  readonly offset: number;
  readonly kind: string;
  readonly message: string;
}

/** What one {@link EventFileTail.read} found. */
export interface TailRead {
  readonly events: Event[];
  /** Set when the file is damaged at `offset` (a CRC mismatch, an undecodable Event or a shrunk file). */
  readonly problem?: ReadProblem;
}

/** TFRecord framing: 8-byte length + 4-byte length CRC, then the data, then a 4-byte data CRC. */
const FRAMING_BYTES = 16;

/** Receives the scalar values of records that hold only scalars (see {@link EventFileTail.read}). */
export type OnScalar = EventScalarVisitor['scalar'];

/**
 * Keeps the offset of the first byte not yet read. A truncated last record (the writer is mid-flush) is left for
 * the next read; a damaged record stops the reading there and is reported once.
 * @example
 *   const tail = new EventFileTail('/tmp/model/events.out.tfevents.1.host');
 *   const { events } = await tail.read(); // later: only the new events
 */
export class EventFileTail {
  readonly path: string;
  private offsetBytes = 0;
  private damagedAt: number | undefined;
  private lastSize = -1;

  constructor(path: string) {
    this.path = path;
  }

  /** Bytes read so far (the offset of the next record). */
  get offset(): number {
    return this.offsetBytes;
  }

  /**
   * Reads the events appended since the last call. With `onScalar`, records that hold only scalars skip the
   * Event objects (@estimatorjs/summary's scanEventScalars) and go to `onScalar`; `events` has the others, each
   * also passed to `onEvent` as it is met (in file order with the scalars: a TF 2 tag's first value names its
   * plugin for the values after it). Never throws for damaged content; I/O errors do throw.
   */
  async read(onScalar?: OnScalar, onEvent?: (ev: Event) => void): Promise<TailRead> {
    const handle = await open(this.path, 'r');
    try {
      const { size } = await handle.stat();
      if (size === this.lastSize) return { events: [] };
      this.lastSize = size;
      if (size < this.offsetBytes) {
        const problem = this.problem(
          this.offsetBytes,
          'shrunk',
          `the file shrank to ${size} bytes below the ${this.offsetBytes} already read; it is no longer read`,
        );
        this.damagedAt = this.offsetBytes;
        return { events: [], problem };
      }
      if (this.damagedAt !== undefined || size === this.offsetBytes) return { events: [] };
      const bytes = new Uint8Array(size - this.offsetBytes);
      let filled = 0;
      while (filled < bytes.length) {
        const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, this.offsetBytes + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return this.decode(bytes.subarray(0, filled), onScalar, onEvent);
    } finally {
      await handle.close();
    }
  }

  private decode(
    bytes: Uint8Array,
    onScalar: OnScalar | undefined,
    onEvent: ((ev: Event) => void) | undefined,
  ): TailRead {
    const base = this.offsetBytes;
    const events: Event[] = [];
    const event = (ev: Event) => {
      const at = { ...ev, offset: base + (ev.offset ?? 0) };
      onEvent?.(at);
      events.push(at);
    };
    const options = { source: this.path, onTruncated: 'stop' } as const;
    let consumed = 0;
    try {
      if (onScalar) consumed = scanEventScalars(bytes, { scalar: onScalar, event }, options);
      else {
        for (const rec of readTFRecords(bytes, options)) {
          event({ ...decodeEvent(rec.data), offset: rec.offset });
          consumed = rec.offset + FRAMING_BYTES + rec.data.length;
        }
      }
    } catch (e) {
      const kind = damageKind(e);
      if (kind === undefined) throw e;
      const at = base + (e instanceof EventFileCorruptError ? e.offset : consumed);
      this.offsetBytes = at;
      this.damagedAt = at;
      const what = kind === 'bad-event' ? 'a record with valid CRCs that is not an Event' : `a ${kind} error`;
      return { events, problem: this.problem(at, kind, `${what}; the rest of the file is skipped`) };
    }
    this.offsetBytes = base + consumed;
    return { events };
  }

  private problem(offset: number, kind: string, why: string): ReadProblem {
    return { file: this.path, offset, kind, message: `${this.path}: damaged at byte ${offset}: ${why}.` };
  }
}

/** The kind of damage `e` reports, or undefined when `e` is not about the file's content. */
function damageKind(e: unknown): string | undefined {
  if (e instanceof EventFileCorruptError) return e.kind;
  if (e instanceof SummaryError && e.code === 'SUMMARY_BAD_PROTO') return 'bad-event';
  return undefined;
}
