/** An in-memory event file, for tests and for browsers that download at the end. */
import type { EventSink } from './summary-writer.js';

/**
 * Keeps the bytes of one event file in memory.
 * @example
 *   const sink = new MemoryEventSink();
 *   const w = new EventWriter(sink); w.scalar('loss', 1, 0); await w.flush();
 *   readEventRecords(sink.bytes());
 */
export class MemoryEventSink implements EventSink {
  readonly name: string;
  private chunks: Uint8Array[] = [];
  private size = 0;
  /** True once `close()` was called. */
  closed = false;

  constructor(name = 'memory') {
    this.name = name;
  }

  async append(bytes: Uint8Array): Promise<void> {
    this.appendSync(bytes);
  }

  appendSync(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
    this.size += bytes.length;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Everything appended so far, as one array (the file's bytes). */
  bytes(): Uint8Array {
    if (this.chunks.length !== 1) {
      const out = new Uint8Array(this.size);
      let pos = 0;
      for (const c of this.chunks) {
        out.set(c, pos);
        pos += c.length;
      }
      this.chunks = [out];
    }
    return this.chunks[0] ?? new Uint8Array(0);
  }
}
