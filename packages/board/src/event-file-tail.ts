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
import { framedRecords } from './internal/framed-records.js';
import { type Fingerprint, fingerprintOf } from './internal/index-cache.js';

/** A damaged record the board skipped: it stops reading the file there and says so. */
export interface ReadProblem {
  readonly file: string;
  /** Byte offset of the damaged record in the file. */
  readonly offset: number;
  readonly kind: string;
  readonly message: string;
}

/** What a scan of appended bytes did (see {@link EventFileTail.readWith}); offsets are relative to those bytes. */
export interface ScanOutcome {
  /** Bytes of whole records read. */
  readonly consumed: number;
  /** The damaged record that stopped the scan. */
  readonly damage?: { readonly kind: string; readonly offset: number };
  /** The records that are not scalar-only, decoded. */
  readonly events: Event[];
  /** Those records as framed in the bytes (what the persistent index keeps); absent: not wanted. */
  readonly records?: Uint8Array;
  /** The fingerprint of the bytes scanned up to where the scan stopped (see internal/index-cache.ts). */
  readonly fingerprint?: Fingerprint;
}

/** What one {@link EventFileTail.read} found. */
export interface TailRead {
  readonly events: Event[];
  /** The records of `events` as framed in the file (for the persistent index); absent when there were none. */
  readonly records?: Uint8Array;
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
  private fingerprintOfRead: Fingerprint | undefined;
  private readBytes = 0;

  constructor(path: string) {
    this.path = path;
  }

  /** Bytes read so far (the offset of the next record). */
  get offset(): number {
    return this.offsetBytes;
  }

  /** Bytes this tail has read from the file (a tail resumed from the persistent index did not read the rest). */
  get bytesRead(): number {
    return this.readBytes;
  }

  /** Hashes of the first and last bytes read so far (what the persistent index checks the file against). */
  get fingerprint(): Fingerprint | undefined {
    return this.fingerprintOfRead;
  }

  /** Starts reading at `offset`: the bytes before it were read in an earlier process (the persistent index). */
  resume(offset: number, fingerprint: Fingerprint): void {
    if (this.offsetBytes !== 0 || this.lastSize !== -1) throw new Error('EventFileTail.resume: already read');
    this.offsetBytes = offset;
    this.fingerprintOfRead = fingerprint;
  }

  /**
   * Reads the events appended since the last call. With `onScalar`, records that hold only scalars skip the
   * Event objects (@estimatorjs/summary's scanEventScalars) and go to `onScalar`; `events` has the others, each
   * also passed to `onEvent` as it is met (in file order with the scalars: a TF 2 tag's first value names its
   * plugin for the values after it). Never throws for damaged content; I/O errors do throw.
   */
  async read(onScalar?: OnScalar, onEvent?: (ev: Event) => void): Promise<TailRead> {
    const unread = await this.unread();
    if (!(unread instanceof Uint8Array)) return unread;
    return this.decode(unread, onScalar, onEvent);
  }

  /**
   * Reads the bytes appended since the last call and hands them to `scan` (a worker thread scans them), then
   * keeps its offset as {@link read} does. Events and scalars are whatever `scan` did with them.
   */
  async readWith(scan: (bytes: Uint8Array) => Promise<ScanOutcome>): Promise<TailRead> {
    const unread = await this.unread();
    if (!(unread instanceof Uint8Array)) return unread;
    const base = this.offsetBytes;
    const outcome = await scan(unread);
    const events = outcome.events.map((ev) => ({ ...ev, offset: base + (ev.offset ?? 0) }));
    if (outcome.fingerprint) this.fingerprintOfRead = shifted(outcome.fingerprint, base, this.fingerprintOfRead);
    const records = outcome.records && outcome.records.length > 0 ? { records: outcome.records } : {};
    if (outcome.damage)
      return { events, ...records, problem: this.damaged(base + outcome.damage.offset, outcome.damage.kind) };
    this.offsetBytes = base + outcome.consumed;
    return { events, ...records };
  }

  /** The bytes after the offset, or what to report when there are none to read (no change, shrunk, damaged). */
  private async unread(): Promise<Uint8Array | TailRead> {
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
      this.readBytes += filled;
      return bytes.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  /** Stops reading at `at` (damage of `kind`) and says so. */
  private damaged(at: number, kind: string): ReadProblem {
    this.offsetBytes = at;
    this.damagedAt = at;
    const what = kind === 'bad-event' ? 'a record with valid CRCs that is not an Event' : `a ${kind} error`;
    return this.problem(at, kind, `${what}; the rest of the file is skipped`);
  }

  private decode(
    bytes: Uint8Array,
    onScalar: OnScalar | undefined,
    onEvent: ((ev: Event) => void) | undefined,
  ): TailRead {
    const base = this.offsetBytes;
    const events: Event[] = [];
    const relative: number[] = [];
    const event = (ev: Event) => {
      relative.push(ev.offset ?? 0);
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
      const at = e instanceof EventFileCorruptError ? e.offset : consumed;
      this.fingerprintOfRead = fingerprintOf(bytes, base, at, this.fingerprintOfRead);
      return { events, ...this.framed(bytes, relative), problem: this.damaged(base + at, kind) };
    }
    if (consumed > 0) this.fingerprintOfRead = fingerprintOf(bytes, base, consumed, this.fingerprintOfRead);
    this.offsetBytes = base + consumed;
    return { events, ...this.framed(bytes, relative) };
  }

  private framed(bytes: Uint8Array, offsets: readonly number[]): { records?: Uint8Array } {
    return offsets.length === 0 ? {} : { records: framedRecords(bytes, offsets) };
  }

  private problem(offset: number, kind: string, why: string): ReadProblem {
    return { file: this.path, offset, kind, message: `${this.path}: damaged at byte ${offset}: ${why}.` };
  }
}

/** `f` (of bytes that start at `base`) with absolute offsets; the head is `previous`'s unless `base` is 0. */
function shifted(f: Fingerprint, base: number, previous: Fingerprint | undefined): Fingerprint {
  const head = base === 0 || !previous ? f : previous;
  return { ...f, headLen: head.headLen, headCrc: head.headCrc, tailStart: base + f.tailStart };
}

/** The kind of damage `e` reports, or undefined when `e` is not about the file's content. */
function damageKind(e: unknown): string | undefined {
  if (e instanceof EventFileCorruptError) return e.kind;
  if (e instanceof SummaryError && e.code === 'SUMMARY_BAD_PROTO') return 'bad-event';
  return undefined;
}
