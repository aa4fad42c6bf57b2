/** An event file on the local file system (Node). */
import { closeSync, constants, ftruncateSync, openSync, writeSync } from 'node:fs';
import { SummaryError } from '../errors.js';
import type { EventSink } from '../summary-writer.js';

/**
 * Appends to one event file. The file is created when the sink is constructed, exclusively: an existing file is
 * never overwritten (code `SUMMARY_IO`, `cause.code === 'EEXIST'`). Writes are synchronous appends of a few
 * kilobytes per flush, so a process exit never interleaves a half-written record; an append that fails part-way
 * is cut back off the file.
 * @example
 *   import { EventWriter } from '@estimatorjs/summary';
 *   const writer = new EventWriter(new FileEventSink('/tmp/run/events.out.tfevents.1.host'));
 */
export class FileEventSink implements EventSink {
  readonly name: string;
  private fd: number | undefined;
  /** Bytes of whole appends so far: where a failed append is cut back to. */
  private size = 0;

  constructor(path: string) {
    this.name = path;
    try {
      this.fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND, 0o644);
    } catch (e) {
      throw new SummaryError('SUMMARY_IO', `new FileEventSink(): cannot create '${path}': ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  async append(bytes: Uint8Array): Promise<void> {
    this.appendSync(bytes);
  }

  appendSync(bytes: Uint8Array): void {
    if (this.fd === undefined) {
      throw new SummaryError('SUMMARY_CLOSED', `FileEventSink.append(): '${this.name}' is closed.`);
    }
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (e) {
      // A partial write (a full disk) leaves a torn record: cut the file back to the last whole append so readers
      // see every complete record and no garbage.
      if (off > 0) {
        try {
          ftruncateSync(this.fd, this.size);
        } catch {
          // the original error says more
        }
      }
      throw e;
    }
    this.size += bytes.length;
  }

  async close(): Promise<void> {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }
}
