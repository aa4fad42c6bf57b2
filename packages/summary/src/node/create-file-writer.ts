/**
 * createFileWriter: an EventWriter on a new event file in a log directory (Node).
 * Owns: file naming (unique per writer), mkdir -p, the best-effort flush on process exit.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SummaryError } from '../errors.js';
import { EventWriter, systemClock, type WriterClock } from '../event-writer.js';
import { checkFileNamePart, safeHost } from '../internal/file-name-part.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import type { SummaryWriter } from '../summary-writer.js';
import { FileEventSink } from './file-event-sink.js';

/** Options of {@link createFileWriter}. */
export interface FileWriterOptions {
  /** Seconds between background flushes (default 5). A crash loses at most this much. */
  readonly flushSecs?: number;
  /** Appended to the file name, e.g. `.v2` (TF's `filename_suffix`). */
  readonly filenameSuffix?: string;
  /** A background flush starts when this many events are buffered (default 100). */
  readonly maxQueue?: number;
  /** Where time comes from (file name, wall_time, flush timer); default the system clock. */
  readonly clock?: WriterClock;
}

const open = new Set<EventWriter>();
let exitHandlerInstalled = false;

function onExit(): void {
  for (const w of open) {
    try {
      w.flushSync();
    } catch {
      // best effort: the process is exiting
    }
  }
}

/**
 * Opens a new event file `events.out.tfevents.<secs>.<hostname>[suffix]` in `logdir` (created if missing) and
 * returns a buffered writer on it. A second writer in the same directory and second gets
 * `events.out.tfevents.<secs>.<hostname>.<pid>.<n>[suffix]`. Buffered events are flushed every `flushSecs`, on
 * `close()` and, best effort, when the process exits.
 * @example
 *   const writer = createFileWriter('/tmp/model');
 *   writer.scalar('loss', 0.3, 10);
 *   await writer.close();
 */
export function createFileWriter(logdir: string, options: FileWriterOptions = {}): SummaryWriter & EventWriter {
  checkOptionKeys('createFileWriter()', options, KNOWN_OPTIONS.fileWriter);
  if (typeof logdir !== 'string' || logdir === '') {
    throw new SummaryError(
      'SUMMARY_ARGUMENT',
      `createFileWriter(): logdir must be a non-empty path, received ${String(logdir)}.`,
    );
  }
  if (options.filenameSuffix !== undefined)
    checkFileNamePart('createFileWriter()', 'filenameSuffix', options.filenameSuffix);
  try {
    mkdirSync(logdir, { recursive: true });
  } catch (e) {
    throw new SummaryError(
      'SUMMARY_IO',
      `createFileWriter(): cannot create the directory '${logdir}': ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  const clock = options.clock ?? systemClock;
  const sink = openUnique(logdir, options.filenameSuffix ?? '', clock);
  const writer = new TrackedEventWriter(sink, {
    logdir,
    ...(options.flushSecs !== undefined ? { flushSecs: options.flushSecs } : {}),
    ...(options.maxQueue !== undefined ? { maxQueue: options.maxQueue } : {}),
    clock,
  });
  open.add(writer);
  if (!exitHandlerInstalled) {
    process.on('exit', onExit);
    exitHandlerInstalled = true;
  }
  return writer;
}

class TrackedEventWriter extends EventWriter {
  override close(): Promise<void> {
    const p = super.close();
    open.delete(this);
    if (open.size === 0 && exitHandlerInstalled) {
      process.off('exit', onExit);
      exitHandlerInstalled = false;
    }
    return p;
  }
}

let counter = 0;

function openUnique(logdir: string, suffix: string, clock: WriterClock): FileEventSink {
  const secs = Math.floor(clock.now() / 1000);
  const base = `events.out.tfevents.${secs}.${safeHost(hostname())}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    const name = attempt === 0 ? `${base}${suffix}` : `${base}.${process.pid}.${++counter}${suffix}`;
    try {
      return new FileEventSink(join(logdir, name));
    } catch (e) {
      const code = ((e as SummaryError).cause as NodeJS.ErrnoException | undefined)?.code;
      if (code !== 'EEXIST') throw e;
    }
  }
  throw new SummaryError(
    'SUMMARY_IO',
    `createFileWriter(): could not find a free event file name in '${logdir}' after 100 tries.`,
  );
}
