/** createBrowserWriter: an EventWriter on a new event file in IndexedDB. */
import { EventWriter } from './event-writer.js';
import { IndexedDbEventSink, type IndexedDbOptions } from './indexed-db-event-sink.js';
import { checkFileNamePart } from './internal/file-name-part.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import type { SummaryWriter } from './summary-writer.js';

/** Options of {@link createBrowserWriter}. */
export interface BrowserWriterOptions extends IndexedDbOptions {
  /** Seconds between background flushes (default 5). */
  readonly flushSecs?: number;
  /** Appended to the file name, e.g. `.v2`. */
  readonly filenameSuffix?: string;
  /** Host part of the file name; default `location.hostname`, else `browser`. */
  readonly host?: string;
}

/**
 * Opens a new event file `<logdir>/events.out.tfevents.<secs>.<host>[suffix]` in IndexedDB and returns a buffered
 * writer on it, flushed every `flushSecs`, on `close()` and (best effort) on `pagehide`. Get the files out with
 * `eventFilesAsBlobs({ logdir })`.
 * @example
 *   const writer = createBrowserWriter('runs/mnist');
 *   writer.scalar('loss', 0.3, 10);
 *   await writer.close();
 */
export function createBrowserWriter(logdir: string, options: BrowserWriterOptions = {}): SummaryWriter & EventWriter {
  checkOptionKeys('createBrowserWriter()', options, KNOWN_OPTIONS.browserWriter);
  const dir = logdir.replace(/\/+$/, '') || '.';
  const host = options.host ?? ((globalThis as { location?: { hostname?: string } }).location?.hostname || 'browser');
  checkFileNamePart('createBrowserWriter()', 'host', host);
  if (options.filenameSuffix !== undefined)
    checkFileNamePart('createBrowserWriter()', 'filenameSuffix', options.filenameSuffix);
  const name = `${dir}/events.out.tfevents.${Math.floor(Date.now() / 1000)}.${host}${options.filenameSuffix ?? ''}`;
  const sink = new IndexedDbEventSink(name, { dbName: options.dbName, indexedDB: options.indexedDB });
  return new PageEventWriter(sink, {
    logdir: dir,
    ...(options.flushSecs !== undefined ? { flushSecs: options.flushSecs } : {}),
  });
}

type PageEvents = {
  addEventListener?: (t: string, f: () => void) => void;
  removeEventListener?: (t: string, f: () => void) => void;
};

/** Also flushes, best effort, when the page is hidden or unloaded (`pagehide`). */
class PageEventWriter extends EventWriter {
  private readonly onHide = () => {
    this.flush().catch(() => {}); // reported again by the next flush() or close()
  };

  constructor(...args: ConstructorParameters<typeof EventWriter>) {
    super(...args);
    (globalThis as PageEvents).addEventListener?.('pagehide', this.onHide);
  }

  override close(): Promise<void> {
    (globalThis as PageEvents).removeEventListener?.('pagehide', this.onHide);
    return super.close();
  }
}
