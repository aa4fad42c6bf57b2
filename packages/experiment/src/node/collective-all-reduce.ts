/**
 * `CollectiveAllReduce`: synchronous data parallelism across the chief and the workers of a TF_CONFIG cluster (TF's
 * `CollectiveAllReduceStrategy` / `MultiWorkerMirroredStrategy`), as a `TrainDistribute` for `RunConfig`. Owns: the
 * rendezvous (every task up, same incarnation, same starting step) and the ring all-reduce (reduce-scatter then
 * all-gather, 2·(N−1) chunk transfers per step, each replica sending 2·(N−1)/N of the gradients; two replicas swap
 * whole segments in one round instead, the same bytes). The vector is cut into segments of `pipelineChunkBytes`,
 * each its own ring, all in flight at once: while one segment's bytes travel, the previous one is being added, and
 * HTTP/2 carries them side by side. With `thread`, every call goes to an instance of this class on a worker thread
 * (internal/collective-thread.ts), which also streams the gradients during the backward pass (`streamAllReduce`).
 * Does not own: the wire (internal/collective-transport.ts) or when it is called (the Estimator's train loop).
 */
import type { ClusterSpec, DistributeStartContext, GradientExchange, TrainDistribute } from '@estimatorjs/estimator';
import { ExperimentError } from '../errors.js';
import { addAndScale } from './internal/add-and-scale.js';
import { CollectiveThread } from './internal/collective-thread.js';
import { CollectiveTransport, type Peer } from './internal/collective-transport.js';

/** Options of {@link CollectiveAllReduce}. */
export interface CollectiveAllReduceOptions {
  /** The training cluster (`RunConfig.clusterSpec`): one chief and the workers. */
  readonly clusterSpec: ClusterSpec;
  /** This task (`RunConfig.taskType` / `taskId`). */
  readonly taskType: 'chief' | 'worker';
  readonly taskId: number;
  /** How long startup waits for every task to answer (default 120 s); the error names the missing ones. */
  readonly startupTimeoutSecs?: number;
  /** How long one exchange may wait for a peer before this task fails (default 120 s). */
  readonly stepTimeoutSecs?: number;
  /**
   * Bytes of gradient per pipelined segment of the all-reduce (default 4 MiB): each segment runs its own ring, all
   * of them at once. Smaller segments overlap transfer with addition more, but each costs one more RPC per ring step;
   * on a busy 2-core machine the RPCs cost more than the overlap gained (docs/distributed.md has the figures).
   */
  readonly pipelineChunkBytes?: number;
  /**
   * Between tasks on one host, send the gradients through files in its memory filesystem (`/dev/shm`) instead of the
   * loopback socket (default true; the gRPC calls still carry the requests and acknowledgements). Used only where a
   * peer reads back this task's probe file there, so never across machines or Kubernetes pods; docs/distributed.md
   * has what it saves.
   */
  readonly sameHostFiles?: boolean;
  /** Shard a Dataset from the input_fn by replica (default true; TF's auto-sharding). */
  readonly autoShard?: boolean;
  /**
   * Overlap the exchange with the backward pass (default false): the transport (gRPC server, clients, the reduction)
   * runs on a worker thread, which swaps each gradient as soon as the backward pass made it final and serves the peers
   * while this thread computes. Pays where a worker has a core to spare for it; with one core per worker (a 2-core
   * machine running two) the thread's CPU comes out of the compute and cost more than the waiting it hid
   * (docs/distributed.md has the figures). By default the exchange runs on the calling thread after the backward pass.
   */
  readonly thread?: boolean;
  /**
   * This instance is the transport of a threaded one (internal/collective-worker.ts): its event loop never blocks.
   * @internal
   */
  readonly onWorkerThread?: boolean;
  readonly log?: (line: string) => void;
}

/** Timing and traffic of the all-reduce so far (for the bench and logs). */
export interface CollectiveStats {
  readonly steps: number;
  /** Wall time spent inside `allReduceMean`, summed over steps, in ms (includes waiting for slower replicas). */
  readonly allReduceMs: number;
  /** This process's CPU time (user + system) while inside `allReduceMean`, summed over steps, in ms. */
  readonly allReduceCpuMs: number;
  /** Gradient bytes this replica sent, summed over steps. */
  readonly bytesSent: number;
  /** Of `bytesSent`, those that went through files on the host's memory filesystem (`sameHostFiles`). */
  readonly bytesSentThroughFiles: number;
}

const API = 'CollectiveAllReduce';

/**
 * Streamed pieces (`thread`) smaller than this many values (64 KiB) are swapped together at `mean()`, not one by one: a
 * swap costs two RPCs (a fraction of a ms of CPU on each side), which a bias or a small layer's kernel does not repay
 * by leaving early. The CNN's dense kernels and its second convolution's kernel go early; the rest, about 3 600
 * values, at the end.
 */
const STREAM_MIN_VALUES = 16_384;

/**
 * Replicas in TF's order: the chief is replica 0, `worker:i` is replica i + 1.
 * @example
 *   import { RunConfig } from '@estimatorjs/estimator';
 *   const peers = replicasOf(new RunConfig({ tfConfig: process.env.TF_CONFIG }).clusterSpec);
 */
export function replicasOf(clusterSpec: ClusterSpec): Peer[] {
  const chief = clusterSpec.chief ?? [];
  const workers = clusterSpec.worker ?? [];
  return [
    ...chief.map((address, i) => ({ index: i, name: `chief:${i}`, address })),
    ...workers.map((address, i) => ({ index: chief.length + i, name: `worker:${i}`, address })),
  ];
}

/**
 * The ring all-reduce over gRPC between the chief and the workers; give it to `RunConfig({ trainDistribute })`
 * (`runConfigFromEnv()` does so from TF_CONFIG).
 * @example
 *   import { Estimator, RunConfig } from '@estimatorjs/estimator';
 *   const config = new RunConfig({ modelDir, tfConfig: process.env.TF_CONFIG });
 *   const trainDistribute = new CollectiveAllReduce({ clusterSpec: config.clusterSpec, taskType: 'worker', taskId: 0 });
 *   const estimator = new Estimator({ modelFn, config: config.replace({ trainDistribute }) });
 */
export class CollectiveAllReduce implements TrainDistribute {
  readonly numReplicas: number;
  readonly replicaIndex: number;
  readonly autoShard: boolean;
  private readonly replicas: Peer[];
  private readonly self: Peer;
  private readonly startupMs: number;
  private readonly stepMs: number;
  private readonly log: (line: string) => void;
  private transport: CollectiveTransport | null = null;
  private fatal: Error | null = null;
  private steps = 0;
  private allReduceMs = 0;
  private allReduceCpuMs = 0;
  private bytesSent = 0;
  /** The transport's count once it is closed (`end()`). */
  private bytesThroughFilesBefore = 0;
  private readonly segmentValues: number;
  private readonly sameHostFiles: boolean;
  /**
   * With `thread` only: opens the all-reduce of `step` before the backward pass, so the transport thread swaps each
   * gradient as soon as the Estimator hands it over (`TrainDistribute.beginAllReduce`). Without `thread` nothing could
   * move before the backward pass returns, so it is absent and the Estimator calls `allReduceMean` after it.
   */
  readonly beginAllReduce?: (numValues: number, step: number) => GradientExchange;
  /** The transport on a worker thread, when `thread` (every call goes there). */
  private readonly thread: CollectiveThread | null = null;
  /** The vector a streamed step's pieces are written into, reused from step to step. */
  private streamBuffer: Float32Array | null = null;
  /** On a worker thread: the last streamed step's publishes, until the peer confirmed them (end() awaits them). */
  private undelivered: Promise<void>[] = [];
  private readonly onWorkerThread: boolean;

  constructor(options: CollectiveAllReduceOptions) {
    this.onWorkerThread = options.onWorkerThread ?? false;
    this.replicas = replicasOf(options.clusterSpec);
    const self = this.replicas.find((r) => r.name === `${options.taskType}:${options.taskId}`);
    if (!self || (options.clusterSpec.chief?.length ?? 0) !== 1) {
      throw new ExperimentError(
        'INVALID_CLUSTER',
        `${API}: the cluster needs one chief and this task in it. Received ${options.taskType}:${options.taskId} in ${JSON.stringify(options.clusterSpec)}.`,
      );
    }
    this.self = self;
    this.numReplicas = this.replicas.length;
    this.replicaIndex = self.index;
    this.autoShard = options.autoShard ?? true;
    this.startupMs = (options.startupTimeoutSecs ?? 120) * 1000;
    this.stepMs = (options.stepTimeoutSecs ?? 120) * 1000;
    const chunkBytes = options.pipelineChunkBytes ?? 4 * 1024 * 1024;
    if (!Number.isInteger(chunkBytes) || chunkBytes < 4) {
      throw new ExperimentError(
        'INVALID_ARGUMENT',
        `${API}: pipelineChunkBytes must be an integer of at least 4 bytes. Received ${chunkBytes}.`,
      );
    }
    this.segmentValues = Math.floor(chunkBytes / 4);
    this.sameHostFiles = options.sameHostFiles ?? true;
    this.log = options.log ?? ((line) => console.log(line));
    if ((options.thread ?? false) && this.numReplicas > 1) {
      const { log: _, ...rest } = options;
      const thread = new CollectiveThread({ ...rest, thread: false }, this.log);
      this.thread = thread;
      this.beginAllReduce = (numValues, step) => thread.beginAllReduce(numValues, step);
    }
  }

  /** What the all-reduce cost so far on this replica. */
  stats(): CollectiveStats {
    if (this.thread) return this.thread.stats();
    return {
      steps: this.steps,
      allReduceMs: this.allReduceMs,
      allReduceCpuMs: this.allReduceCpuMs,
      bytesSent: this.bytesSent,
      bytesSentThroughFiles: this.transport?.bytesThroughFiles ?? this.bytesThroughFilesBefore,
    };
  }

  private get peers(): Peer[] {
    return this.replicas.filter((r) => r.index !== this.self.index);
  }

  /**
   * Listens, then waits until every other task answers (the error after `startupTimeoutSecs` names the missing
   * ones). Idempotent; `start()` calls it when the Estimator did not.
   */
  async connect(): Promise<void> {
    if (this.thread) return this.thread.connect();
    if (this.transport) return;
    const transport = new CollectiveTransport(this.self, this.peers, API, this.sameHostFiles && this.numReplicas > 1);
    transport.onFatal = (e) => {
      this.fatal ??= e;
    };
    this.transport = transport;
    if (this.numReplicas === 1) return;
    await transport.listen();
    const deadline = Date.now() + this.startupMs;
    const missing = new Set(this.peers);
    while (missing.size > 0) {
      await Promise.all(
        [...missing].map(async (p) => {
          try {
            transport.adopt(p, await transport.hello(p, 1000));
            missing.delete(p);
          } catch {
            // Not up yet (or a stale incarnation being replaced): ask again until the deadline.
          }
        }),
      );
      if (missing.size === 0) break;
      if (Date.now() >= deadline) {
        const names = [...missing].map((p) => `${p.name} (${p.address})`).join(', ');
        await transport.close(`startup timed out waiting for ${names}`);
        throw new ExperimentError(
          'CLUSTER_STARTUP_TIMEOUT',
          `${API}: ${this.self.name} waited ${this.startupMs / 1000} s for the cluster; missing: ${names}. Start every task of TF_CONFIG (estimatorjs-cluster does) or raise startupTimeoutSecs.`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    this.log(`${API}: ${this.self.name} connected to ${this.peers.map((p) => p.name).join(', ')}.`);
  }

  async start(context: DistributeStartContext): Promise<void> {
    if (this.thread) return this.thread.start(context);
    await this.connect();
    const transport = this.transport!;
    if (this.numReplicas === 1) return;
    // Every replica tells every other where it starts; all must agree or the weights would diverge.
    const mine = new Float64Array([context.globalStep, context.numValues, context.weightsDigest]);
    const bytes = new Uint8Array(mine.buffer);
    const [, theirs] = await Promise.all([
      Promise.all(this.peers.map((p) => transport.publish(p, 'start', bytes, this.startupMs))),
      Promise.all(
        this.peers.map(async (p) => {
          const b = await transport.fetch(p, 'start', this.startupMs);
          const v = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + 24));
          return { peer: p, globalStep: v[0]!, numValues: v[1]!, weightsDigest: v[2]! };
        }),
      ),
    ]);
    const differ = theirs.filter((t) => t.globalStep !== context.globalStep || t.numValues !== context.numValues);
    const initial = theirs.filter((t) => !differ.includes(t) && t.weightsDigest !== context.weightsDigest);
    if (differ.length === 0 && initial.length > 0) {
      throw new ExperimentError(
        'CLUSTER_OUT_OF_SYNC',
        `${API}: ${this.self.name} and ${initial.map((t) => t.peer.name).join(', ')} start step ${context.globalStep} from different weights; give every task the same RunConfig.randomSeed (a fresh model) or the same modelDir (a checkpoint).`,
      );
    }
    if (differ.length > 0) {
      const list = differ.map((t) => `${t.peer.name} at step ${t.globalStep} with ${t.numValues} values`).join(', ');
      throw new ExperimentError(
        'CLUSTER_OUT_OF_SYNC',
        `${API}: ${this.self.name} starts at step ${context.globalStep} with ${context.numValues} trainable values but ${list}; every task must restore the same checkpoint of the shared modelDir and run the same model_fn (the job restarts and tries again).`,
      );
    }
    transport.startTraining();
    this.log(`${API}: ${this.numReplicas} replicas in sync at global step ${context.globalStep}.`);
  }

  async allReduceMean(values: Float32Array, step: number): Promise<Float32Array> {
    if (this.thread) return this.thread.allReduceMean(values, step);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const n = this.numReplicas;
    // In place: a fresh copy of a multi-megabyte vector every step is external memory V8 counts towards its next
    // mark-compact, and those mark-compacts were most of the exchange's CPU time (docs/distributed.md).
    const out = values;
    try {
      if (n > 1) {
        if (this.fatal) throw this.fatal;
        const segments = Math.max(1, Math.ceil(out.length / this.segmentValues));
        const size = Math.ceil(out.length / segments);
        const delivered: Promise<void>[] = [];
        const reduce = n === 2 ? this.swap : this.ring;
        await Promise.all(
          Array.from({ length: segments }, (_, j) =>
            reduce.call(this, out.subarray(j * size, (j + 1) * size), step, segments > 1 ? `#${j}` : '', delivered),
          ),
        );
        await settled(delivered);
      }
    } finally {
      const cpu = process.cpuUsage(cpu0);
      this.allReduceCpuMs += (cpu.user + cpu.system) / 1000;
      this.allReduceMs += performance.now() - t0;
    }
    this.steps += 1;
    return out;
  }

  /**
   * The streamed all-reduce on the transport's own thread: what `beginAllReduce` of a threaded instance runs in its
   * worker thread. Two replicas swap each piece of at least {@link STREAM_MIN_VALUES} values as soon as it is added
   * (tagged by its offset: both replicas cut the vector alike, since they run the same model_fn), and the smaller ones
   * together at `mean()`, in one message (a swap is a Fetch and a Received RPC, a fixed cost that a bias's few bytes
   * do not repay); every value is averaged as (a + b) / 2, the same bits as the whole vector's swap. Three or more
   * replicas collect the pieces and `mean()` runs the ring on the whole vector, as `allReduceMean` does. `buffer`
   * (the worker thread's shared memory) takes the pieces; by default a vector reused from step to step.
   * @internal
   */
  streamAllReduce(numValues: number, step: number, buffer?: Float32Array): GradientExchange {
    let out = buffer;
    if (!out) {
      if (this.streamBuffer?.length !== numValues) this.streamBuffer = new Float32Array(numValues);
      out = this.streamBuffer;
    }
    const v = out;
    const swaps: Promise<void>[] = [];
    const delivered: Promise<void>[] = [];
    const small: [offset: number, length: number][] = [];
    const swapping = this.numReplicas === 2 && this.transport !== null && this.fatal === null;
    return {
      add: (offset, values) => {
        if (offset < 0 || offset + values.length > v.length) {
          throw new ExperimentError(
            'INVALID_ARGUMENT',
            `${API}: a gradient piece at ${offset} of ${values.length} values does not fit the step's ${v.length}.`,
          );
        }
        // The worker thread's pieces are already in place (the shared buffer): no copy onto itself.
        if (values.buffer !== v.buffer || values.byteOffset !== v.byteOffset + offset * 4) v.set(values, offset);
        if (!swapping) return;
        if (values.length < STREAM_MIN_VALUES) {
          small.push([offset, values.length]);
          return;
        }
        const piece = this.swap(v.subarray(offset, offset + values.length), step, `@${offset}`, delivered);
        // Awaited by mean(); a rejection before that is the step's failure, reported there.
        piece.catch(() => {});
        swaps.push(piece);
      },
      mean: async () => {
        if (!swapping) return this.allReduceMean(v, step);
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        try {
          if (this.fatal) throw this.fatal;
          if (small.length > 0) swaps.push(this.swapGathered(v, small, step, delivered));
          await Promise.all(swaps);
          if (this.onWorkerThread) {
            // Nothing blocks this thread's event loop: the Receiveds settle on their own. end() waits for the last.
            this.undelivered = delivered;
          } else {
            await settled(delivered);
          }
        } finally {
          const cpu = process.cpuUsage(cpu0);
          this.allReduceCpuMs += (cpu.user + cpu.system) / 1000;
          this.allReduceMs += performance.now() - t0;
        }
        this.steps += 1;
        return v;
      },
    };
  }

  /**
   * Two replicas: each sends its whole segment to the other and averages the two itself, in one round. The ring of two
   * sends the same bytes (half the segment, twice) in two rounds, with the other replica's addition between them:
   * twice the RPCs and round trips on the step's critical path. Float addition commutes, so (a + b) / 2 on one
   * replica and (b + a) / 2 on the other are the same bits (and the same bits the ring computed).
   */
  private async swap(v: Float32Array, step: number, segment: string, delivered: Promise<void>[]): Promise<void> {
    const transport = this.transport!;
    const other = this.replicas[1 - this.self.index]!;
    const tag = `${step}/swap${segment}`;
    this.bytesSent += v.byteLength;
    const published = transport.publish(other, tag, v, this.stepMs);
    published.catch(() => {});
    delivered.push(published);
    const theirs = await transport.fetch(other, tag, this.stepMs);
    addAndScale(v, 0, asFloats(theirs, v.length), 2, true);
    transport.recycle(theirs);
  }

  /** Swaps the pieces `at` of `v` as one message (in offset order) and writes their means back in place. */
  private async swapGathered(
    v: Float32Array,
    at: [offset: number, length: number][],
    step: number,
    delivered: Promise<void>[],
  ): Promise<void> {
    at.sort((a, b) => a[0] - b[0]);
    const gathered = new Float32Array(at.reduce((n, [, length]) => n + length, 0));
    let k = 0;
    for (const [offset, length] of at) {
      gathered.set(v.subarray(offset, offset + length), k);
      k += length;
    }
    await this.swap(gathered, step, '@small', delivered);
    k = 0;
    for (const [offset, length] of at) {
      v.set(gathered.subarray(k, k + length), offset);
      k += length;
    }
  }

  /**
   * The ring all-reduce of one segment, in place: reduce-scatter (after N−1 rounds replica r holds the full sum of
   * chunk r+1, divided by N), then all-gather (the averaged chunks go round). The chunks it publishes are added to
   * `delivered`; it resolves when every chunk of `v` arrived.
   */
  private async ring(v: Float32Array, step: number, segment: string, delivered: Promise<void>[]): Promise<void> {
    const n = this.numReplicas;
    const transport = this.transport!;
    const r = this.self.index;
    const right = this.replicas[(r + 1) % n]!;
    const left = this.replicas[(r + n - 1) % n]!;
    const size = Math.ceil(v.length / n);
    const bounds = (c: number) => [Math.min(c * size, v.length), Math.min((c + 1) * size, v.length)] as const;
    const mod = (x: number) => ((x % n) + n) % n;
    const exchange = async (phase: 'rs' | 'ag', s: number, send: number) => {
      const [sa, sb] = bounds(send);
      const tag = `${step}/${phase}${s}${segment}`;
      this.bytesSent += (sb - sa) * 4;
      const published = transport.publish(right, tag, v.subarray(sa, sb), this.stepMs);
      // Awaited after the ring; a rejection before that is the step's failure, reported by the fetch or that await.
      published.catch(() => {});
      delivered.push(published);
      return transport.fetch(left, tag, this.stepMs);
    };
    for (let s = 0; s < n - 1; s++) {
      const [ra, rb] = bounds(mod(r - s - 1));
      const add = await exchange('rs', s, mod(r - s));
      // The last round completes this replica's chunk: divide it once here, and the all-gather spreads the mean
      // (the same float ops as dividing every copy, so every replica still ends with the same bits).
      addAndScale(v, ra, asFloats(add, rb - ra), n, s === n - 2);
      transport.recycle(add);
    }
    for (let s = 0; s < n - 1; s++) {
      const [ra, rb] = bounds(mod(r - s));
      const chunk = await exchange('ag', s, mod(r + 1 - s));
      v.set(asFloats(chunk, rb - ra), ra);
      transport.recycle(chunk);
    }
  }

  async end(error?: unknown): Promise<void> {
    if (this.thread) return this.thread.end(error);
    const reason =
      error === undefined ? null : typeof error === 'string' ? error : ((error as Error)?.message ?? String(error));
    // The peers may still be fetching this replica's last pieces: closing now would fail their last step.
    if (reason === null) await Promise.allSettled(this.undelivered);
    this.undelivered = [];
    await this.transport?.close(reason);
    this.bytesThroughFilesBefore = this.transport?.bytesThroughFiles ?? this.bytesThroughFilesBefore;
    this.transport = null;
  }
}

const flushEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Waits until every chunk this replica published was received (the step is done on both sides of each link), then
 * two turns of the event loop: the Received this replica sent for its last fetch (and its answers to the peers'
 * Receiveds) are written by HTTP/2 on a later turn, and the next step's kernels are synchronous, so leaving at once
 * would hold them back until that step's compute ends (on the calling thread) and the peers would wait for it,
 * taking turns instead of computing side by side.
 */
async function settled(delivered: Promise<void>[]): Promise<void> {
  await Promise.all(delivered);
  await flushEventLoop();
  await flushEventLoop();
}

function asFloats(b: Buffer, expected: number): Float32Array {
  if (b.byteLength !== expected * 4) {
    throw new ExperimentError(
      'CLUSTER_OUT_OF_SYNC',
      `${API}: a peer sent ${b.byteLength / 4} values where ${expected} were expected; every task must run the same model_fn.`,
    );
  }
  // Read in place when the payload sits on a 4-byte boundary (the transport's framing arranges it); else copy.
  if (b.byteOffset % 4 === 0) return new Float32Array(b.buffer, b.byteOffset, expected);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
