/**
 * ScanPool: worker threads that scan event files, so a logdir of many runs loads on every core. The index hands a
 * file's appended bytes to a free worker (transferred, not copied) and files what comes back.
 * Owns: the workers (started when first needed, kept from holding the process open while idle, stopped by
 * close()) and the queue. Does not own: what a scan does (scan-worker.ts) or what the index keeps.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Event } from '@estimatorjs/summary';
import type { Fingerprint } from './index-cache.js';

/** What a worker is asked: the bytes of one file and the plugins its run's tags were first written with. */
export interface ScanRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly source: string;
  readonly plugins: [string, string][];
}

/** What a worker answers (offsets relative to the bytes it got). */
export interface ScanReply {
  readonly id: number;
  readonly consumed: number;
  readonly damage: { kind: string; offset: number; message?: string } | undefined;
  readonly events: Event[];
  readonly plugins: [string, string][];
  readonly columns: { tag: string; steps: Float64Array; walls: Float64Array; values: Float64Array }[];
  /** The non-scalar records, framed as in the file (for the persistent index). */
  readonly records: Uint8Array;
  /** Hashes of the bytes scanned, up to the damage or the end of the last whole record (see index-cache.ts). */
  readonly fingerprint: Fingerprint | undefined;
}

const WORKER = new URL('./scan-worker.js', import.meta.url);

interface Job {
  readonly request: Omit<ScanRequest, 'id'>;
  readonly done: (reply: ScanReply) => void;
  readonly fail: (e: Error) => void;
}

/**
 * A fixed number of scan workers.
 * @example
 *   const pool = new ScanPool(4); const reply = await pool.scan({ bytes, source: path, plugins: [] }); await pool.close();
 */
export class ScanPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private started = 0;
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {}

  /**
   * Whether the worker script is there: it is compiled JavaScript beside this module in dist/, absent when this
   * module runs from its TypeScript source (the package's own unit tests), where the index reads on its thread.
   */
  static available(): boolean {
    return existsSync(fileURLToPath(WORKER));
  }

  /** Scans `request.bytes` on a worker (the bytes are transferred: the caller must not use them after). */
  scan(request: Omit<ScanRequest, 'id'>): Promise<ScanReply> {
    return new Promise((done, fail) => {
      this.queue.push({ request, done, fail });
      this.dispatch();
    });
  }

  /** Stops the workers; scans still queued fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.fail(new Error('ScanPool closed'));
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
    this.idle.length = 0;
    this.busy.clear();
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.start() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.ref();
      const { bytes } = job.request;
      const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      worker.postMessage({ ...job.request, bytes: owned, id: this.nextId++ }, [owned.buffer as ArrayBuffer]);
    }
  }

  private start(): Worker {
    this.started += 1;
    const worker = new Worker(WORKER);
    worker.unref();
    worker.on('message', (reply: ScanReply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      job?.done(reply);
      this.dispatch();
    });
    worker.on('error', (e) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      this.started -= 1;
      job?.fail(e);
      this.dispatch();
    });
    return worker;
  }
}
