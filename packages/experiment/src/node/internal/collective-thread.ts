/**
 * The calling thread's side of a `CollectiveAllReduce` whose transport runs on a worker thread
 * (collective-worker.ts). Owns: the worker's life, the shared memory the gradients cross in, the messages, and the
 * stats. Does not own: the rendezvous, the exchange or the wire (the `CollectiveAllReduce` in the worker does).
 *
 * Why a thread: tfjs computes a step's gradients in one synchronous call, and gRPC's I/O runs on the event loop of
 * the thread that owns it. On the training thread nothing moves, and no peer is served, until the backward pass has
 * returned; on its own thread the transport swaps each gradient as soon as the backward pass hands it over (the dense
 * layers' gradients before the convolutions' backward pass), and answers a peer while this thread computes.
 *
 * Gradients cross in a SharedArrayBuffer: this thread writes a piece and posts its offset, the worker publishes it,
 * adds the peer's piece into the same memory and posts when the whole vector is averaged. Every failure of the worker
 * (a peer gone, a timeout, the worker itself dying) rejects the waiting call with the worker's error code.
 */
import { Worker } from 'node:worker_threads';
import type { DistributeStartContext, GradientExchange } from '@estimatorjs/estimator';
import { ExperimentError } from '../../errors.js';
import type { CollectiveAllReduceOptions, CollectiveStats } from '../collective-all-reduce.js';

/** What the worker thread answers: a call's result, its failure, or a log line. */
export type WorkerReply =
  | {
      readonly id: number;
      readonly bytesSent: number;
      readonly bytesSentThroughFiles: number;
      readonly error?: undefined;
    }
  | { readonly id: number; readonly error: { readonly code: string; readonly message: string } }
  | { readonly log: string };

/** What this thread asks of the worker thread. */
export type WorkerRequest =
  | { readonly id: number; readonly op: 'connect' }
  | { readonly id: number; readonly op: 'start'; readonly context: DistributeStartContext }
  | { readonly id: number; readonly op: 'all'; readonly step: number; readonly length: number }
  | { readonly op: 'buffer'; readonly buffer: SharedArrayBuffer }
  | { readonly op: 'begin'; readonly step: number; readonly numValues: number }
  | { readonly op: 'add'; readonly offset: number; readonly length: number }
  | { readonly id: number; readonly op: 'mean' }
  | { readonly id: number; readonly op: 'end'; readonly reason: string | null };

type Call = { readonly resolve: () => void; readonly reject: (e: Error) => void };

/** The options the worker thread builds its `CollectiveAllReduce` from (plain data: no log function). */
export type ThreadOptions = Omit<CollectiveAllReduceOptions, 'log'>;

export class CollectiveThread {
  private readonly worker: Worker;
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private shared: Float32Array | null = null;
  private failure: Error | null = null;
  private ended = false;
  private steps = 0;
  private allReduceMs = 0;
  private allReduceCpuMs = 0;
  private bytesSent = 0;
  private bytesSentThroughFiles = 0;

  constructor(
    options: ThreadOptions,
    private readonly log: (line: string) => void,
  ) {
    this.worker = new Worker(new URL('./collective-worker.js', import.meta.url), { workerData: options });
    // The worker must not keep the process alive on its own: training ends with end(), a crash with the process.
    this.worker.unref();
    this.worker.on('message', (m: WorkerReply) => this.onReply(m));
    this.worker.on('error', (e) =>
      this.fail(
        new ExperimentError('CLUSTER_THREAD_FAILED', `CollectiveAllReduce: the transport thread failed: ${e.message}.`),
      ),
    );
    this.worker.on('exit', (code) => {
      if (!this.ended) {
        this.fail(
          new ExperimentError(
            'CLUSTER_THREAD_FAILED',
            `CollectiveAllReduce: the transport thread exited (code ${code}).`,
          ),
        );
      }
    });
  }

  stats(): CollectiveStats {
    const { steps, allReduceMs, allReduceCpuMs, bytesSent, bytesSentThroughFiles } = this;
    return { steps, allReduceMs, allReduceCpuMs, bytesSent, bytesSentThroughFiles };
  }

  connect(): Promise<void> {
    return this.call({ id: this.nextId++, op: 'connect' });
  }

  start(context: DistributeStartContext): Promise<void> {
    return this.call({ id: this.nextId++, op: 'start', context });
  }

  async allReduceMean(values: Float32Array, step: number): Promise<Float32Array> {
    const shared = this.bufferFor(values.length);
    shared.set(values);
    await this.timed(this.call({ id: this.nextId++, op: 'all', step, length: values.length }));
    values.set(shared.subarray(0, values.length));
    return values;
  }

  beginAllReduce(numValues: number, step: number): GradientExchange {
    const shared = this.bufferFor(numValues);
    this.post({ op: 'begin', step, numValues });
    return {
      add: (offset, values) => {
        if (offset < 0 || offset + values.length > numValues) {
          throw new ExperimentError(
            'INVALID_ARGUMENT',
            `CollectiveAllReduce: a gradient piece at ${offset} of ${values.length} values does not fit the step's ${numValues}.`,
          );
        }
        shared.set(values, offset);
        this.post({ op: 'add', offset, length: values.length });
      },
      mean: async () => {
        await this.timed(this.call({ id: this.nextId++, op: 'mean' }));
        return shared.subarray(0, numValues);
      },
    };
  }

  async end(error?: unknown): Promise<void> {
    if (this.ended) return;
    const reason =
      error === undefined ? null : typeof error === 'string' ? error : ((error as Error)?.message ?? String(error));
    try {
      if (!this.failure) await this.call({ id: this.nextId++, op: 'end', reason });
    } finally {
      this.ended = true;
      await this.worker.terminate();
    }
  }

  /** The shared vector, grown when a step needs more values than the last (the worker is told of each new one). */
  private bufferFor(numValues: number): Float32Array {
    if (!this.shared || this.shared.length < numValues) {
      this.shared = new Float32Array(new SharedArrayBuffer(numValues * 4));
      this.post({ op: 'buffer', buffer: this.shared.buffer as SharedArrayBuffer });
    }
    return this.shared;
  }

  /** Counts one all-reduce: the wall and CPU time this thread waited for it (the CPU of every thread meanwhile). */
  private async timed(done: Promise<void>): Promise<void> {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      await done;
    } finally {
      const cpu = process.cpuUsage(cpu0);
      this.allReduceCpuMs += (cpu.user + cpu.system) / 1000;
      this.allReduceMs += performance.now() - t0;
    }
    this.steps += 1;
  }

  private call(request: WorkerRequest & { id: number }): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.calls.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  private post(request: WorkerRequest): void {
    if (!this.failure) this.worker.postMessage(request);
  }

  private onReply(m: WorkerReply): void {
    if ('log' in m) {
      this.log(m.log);
      return;
    }
    const call = this.calls.get(m.id);
    this.calls.delete(m.id);
    if (m.error) {
      call?.reject(new ExperimentError(m.error.code, m.error.message));
      return;
    }
    this.bytesSent = m.bytesSent;
    this.bytesSentThroughFiles = m.bytesSentThroughFiles;
    call?.resolve();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const call of this.calls.values()) call.reject(e);
    this.calls.clear();
  }
}
