/**
 * EventWriter: buffers summaries as framed Event records and hands them to an {@link EventSink}.
 * Owns: encoding order, the flush timer, error reporting of background flushes.
 * Does not own: where bytes go (the sink), file naming and process-exit hooks (node/create-file-writer.ts).
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { DEFAULT_FLUSH_SECS, DEFAULT_IMAGE_MAX_OUTPUTS, DEFAULT_MAX_QUEUE, FILE_VERSION } from './defaults.js';
import { SummaryError } from './errors.js';
import { encodeGraphDef, type GraphNode } from './graph-def.js';
import { histogramBuckets } from './histogram-buckets.js';
import {
  type EventPayload,
  encodeEventRecord,
  histogramValue,
  imageValue,
  scalarValue,
  textValue,
  type ValueFill,
} from './internal/event-encoder.js';
import { toPixels } from './internal/image-pixels.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { encodePng } from './png.js';
import type {
  EventSink,
  HistogramInput,
  HistogramOptions,
  ImageOptions,
  SessionLogOptions,
  SessionStatus,
  SummaryWriter,
} from './summary-writer.js';

/** Options of {@link EventWriter}. */
export interface EventWriterOptions {
  /** Reported as `writer.logdir`; default the sink's name. */
  readonly logdir?: string;
  /** Seconds between background flushes (default 5); 0 disables the timer. */
  readonly flushSecs?: number;
  /** A background flush starts when this many events are buffered (default 100). */
  readonly maxQueue?: number;
  /** Where time comes from (default the system clock); tests pass a manual one instead of waiting. */
  readonly clock?: WriterClock;
}

/** The time an {@link EventWriter} uses: its events' wall_time and its flush timer. */
export interface WriterClock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
  /** Calls `fn` every `ms` milliseconds until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

/** Date.now and a setInterval whose timer never keeps a Node process alive. */
export const systemClock: WriterClock = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    (timer as { unref?: () => void }).unref?.();
    return () => clearInterval(timer);
  },
};

type Pending = Uint8Array | Promise<Uint8Array>;

/**
 * Writes TensorBoard events (scalars, histograms, images, text, graphs) to a sink, buffered, with a periodic flush
 * whose timer never keeps a Node process alive.
 * @example
 *   const sink = new MemoryEventSink();
 *   const writer = new EventWriter(sink, { flushSecs: 2 });
 *   writer.scalar('loss', 0.42, 1);
 *   await writer.close();
 */
export class EventWriter implements SummaryWriter {
  readonly logdir: string;
  private pending: Pending[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  /**
   * Set by a failed append: nothing more goes to that sink. A torn record followed by good ones would make every
   * later event unreadable, and a full disk would fail each append again; the first error is what gets reported.
   */
  private broken = false;
  private closing: Promise<void> | undefined;
  private readonly stopTimer: (() => void) | undefined;
  private readonly maxQueue: number;
  private readonly clock: WriterClock;

  constructor(
    private readonly sink: EventSink,
    options: EventWriterOptions = {},
  ) {
    checkOptionKeys('new EventWriter()', options, KNOWN_OPTIONS.eventWriter);
    this.logdir = options.logdir ?? sink.name;
    const flushSecs = options.flushSecs ?? DEFAULT_FLUSH_SECS;
    if (!(flushSecs >= 0)) {
      throw new SummaryError('SUMMARY_ARGUMENT', `new EventWriter(): flushSecs must be >= 0, received ${flushSecs}.`);
    }
    this.maxQueue = Math.max(1, options.maxQueue ?? DEFAULT_MAX_QUEUE);
    this.clock = options.clock ?? systemClock;
    this.push(this.record(0, { fileVersion: FILE_VERSION }));
    if (flushSecs > 0) this.stopTimer = this.clock.every(flushSecs * 1000, () => this.backgroundFlush());
    // The header reaches the sink right away, as TF's writers do.
    this.backgroundFlush();
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Buffers a scalar (TF2 tensor-style `scalars` summary). */
  scalar(tag: string, value: number, step: number): void {
    this.check('scalar', tag, step);
    if (typeof value !== 'number') {
      throw new SummaryError(
        'SUMMARY_ARGUMENT',
        `EventWriter.scalar(): value of '${tag}' must be a number, received ${typeof value}. Read tensors first (await t.data()).`,
      );
    }
    this.push(this.record(step, { values: [scalarValue(tag, value)] }));
  }

  /** Buffers a histogram of `values` (TF2 `[k, 3]` buckets). Tensors are read asynchronously, never blocking. */
  histogram(tag: string, values: HistogramInput, step: number, options: HistogramOptions = {}): void {
    checkOptionKeys('histogram()', options, KNOWN_OPTIONS.histogram);
    this.check('histogram', tag, step);
    const buckets = options.buckets;
    if (isTensor(values)) {
      if (values.isDisposed) {
        throw new SummaryError('SUMMARY_ARGUMENT', `EventWriter.histogram(): the tensor of '${tag}' is disposed.`);
      }
      const wallTime = this.now();
      const data = values.data();
      this.push(
        data.then((d) => this.encode(wallTime, step, { values: [hist(tag, d as ArrayLike<number>, buckets)] })),
      );
    } else {
      this.push(this.record(step, { values: [hist(tag, values, buckets)] }));
    }
  }

  /** Buffers PNG images from a `[H, W, C]` or `[N, H, W, C]` tensor (C = 1, 2, 3 or 4). */
  image(tag: string, images: Tensor, step: number, options: ImageOptions = {}): void {
    checkOptionKeys('image()', options, KNOWN_OPTIONS.image);
    this.check('image', tag, step);
    if (!isTensor(images) || images.isDisposed) {
      throw new SummaryError(
        'SUMMARY_ARGUMENT',
        `EventWriter.image(): '${tag}' needs a live tfjs Tensor of shape [H, W, C] or [N, H, W, C].`,
      );
    }
    const shape = images.shape;
    const maxOutputs = options.maxOutputs ?? DEFAULT_IMAGE_MAX_OUTPUTS;
    if (shape.length < 3 || shape.length > 4 || ![1, 2, 3, 4].includes(shape[shape.length - 1]!)) {
      throw new SummaryError(
        'SUMMARY_ARGUMENT',
        `EventWriter.image(): '${tag}' must have shape [H, W, C] or [N, H, W, C] with C in 1..4, received [${shape.join(', ')}].`,
      );
    }
    if (!Number.isInteger(maxOutputs) || maxOutputs < 1) {
      throw new SummaryError(
        'SUMMARY_ARGUMENT',
        `EventWriter.image(): maxOutputs must be a positive integer, received ${maxOutputs}.`,
      );
    }
    const [n, h, w, c] = shape.length === 3 ? [1, shape[0]!, shape[1]!, shape[2]!] : (shape as number[]);
    const count = Math.min(n!, maxOutputs);
    const isFloat = images.dtype === 'float32';
    const wallTime = this.now();
    const data = images.data();
    this.push(
      data.then(async (d) => {
        const size = h! * w! * c!;
        const values: ValueFill[] = [];
        let bytes = 0;
        for (let i = 0; i < count; i++) {
          const pixels = toPixels(d as ArrayLike<number>, i * size, size, isFloat);
          const png = await encodePng(pixels, w!, h!, c!);
          bytes += png.length;
          const t = shape.length === 3 || count === 1 ? `${tag}/image` : `${tag}/image/${i}`;
          values.push(imageValue(t, w!, h!, [png]));
        }
        return this.encode(wallTime, step, { values }, bytes + 128 * count);
      }),
    );
  }

  /** Buffers a text summary (markdown in TensorBoard's Text tab). */
  text(tag: string, text: string, step: number): void {
    this.check('text', tag, step);
    this.push(this.record(step, { values: [textValue(tag, String(text))] }));
  }

  /** Buffers a `GraphDef` event for TensorBoard's Graphs tab. */
  graph(nodes: readonly GraphNode[], step = 0): void {
    this.check('graph', 'graph', step);
    const graphDef = encodeGraphDef(nodes);
    this.push(this.encode(this.now(), step, { graphDef }, graphDef.length + 32));
  }

  /**
   * Buffers a `SessionLog` event. `start` at the resumed step makes TensorBoard drop the later events of the run
   * that crashed, as TF's Supervisor does on every session start.
   */
  sessionLog(status: SessionStatus, step: number, options: SessionLogOptions = {}): void {
    checkOptionKeys('sessionLog()', options, KNOWN_OPTIONS.sessionLog);
    this.check('sessionLog', status, step);
    const code = status === 'start' ? 1 : status === 'stop' ? 2 : status === 'checkpoint' ? 3 : undefined;
    if (code === undefined) {
      throw new SummaryError(
        'SUMMARY_ARGUMENT',
        `EventWriter.sessionLog(): status must be 'start', 'stop' or 'checkpoint', received ${JSON.stringify(status)}.`,
      );
    }
    this.push(this.record(step, { sessionLog: { status: code, ...options } }));
  }

  /**
   * Writes everything buffered so far; rejects with the error of an earlier failed background flush. After a
   * failed append the writer stops appending, so later flushes and `close()` report that first error.
   */
  flush(): Promise<void> {
    this.schedule();
    return this.chain.then(() => this.takeFailure());
  }

  /**
   * Appends the buffered records synchronously when the sink supports it (for process-exit handlers); records still
   * being prepared (tensor reads, PNG encoding) are skipped. Returns the number of bytes written.
   */
  flushSync(): number {
    if (!this.sink.appendSync || this.broken) return 0;
    const ready = this.pending.filter((p): p is Uint8Array => p instanceof Uint8Array);
    this.pending = [];
    const bytes = concat(ready);
    if (bytes.length) this.sink.appendSync(bytes);
    return bytes.length;
  }

  /** Flushes, stops the timer and closes the sink. Idempotent. */
  close(): Promise<void> {
    if (!this.closing) {
      this.stopTimer?.();
      this.schedule();
      this.closing = this.chain.then(async () => {
        await this.sink.close();
        this.takeFailure();
      });
    }
    return this.closing;
  }

  private takeFailure(): void {
    if (this.failure === undefined) return;
    const e = this.failure;
    // A failed tensor read loses one event and is reported once; a failed append is reported until the end.
    if (!this.broken) this.failure = undefined;
    throw e instanceof SummaryError
      ? e
      : new SummaryError('SUMMARY_IO', `EventWriter: writing to '${this.sink.name}' failed: ${String(e)}`, {
          cause: e,
        });
  }

  private check(api: string, tag: string, step: number): void {
    if (this.closing) {
      throw new SummaryError(
        'SUMMARY_CLOSED',
        `EventWriter.${api}(): the writer for '${this.logdir}' is closed; create a new writer to write more.`,
      );
    }
    if (typeof tag !== 'string' || tag === '') {
      throw new SummaryError(
        'SUMMARY_ARGUMENT',
        `EventWriter.${api}(): tag must be a non-empty string, received ${String(tag)}.`,
      );
    }
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new SummaryError(
        'SUMMARY_ARGUMENT',
        `EventWriter.${api}(): step of '${tag}' must be a non-negative integer, received ${step}.`,
      );
    }
  }

  /** Seconds since the epoch: TensorBoard's wall_time. */
  private now(): number {
    return this.clock.now() / 1000;
  }

  private encode(wallTime: number, step: number, payload: EventPayload, sizeHint?: number): Uint8Array {
    return encodeEventRecord(wallTime, step, payload, sizeHint);
  }

  private record(step: number, payload: EventPayload): Uint8Array {
    return this.encode(this.now(), step, payload);
  }

  private push(p: Pending): void {
    if (p instanceof Promise) p.catch(() => {}); // reported by the flush that awaits it
    this.pending.push(p);
    if (this.pending.length >= this.maxQueue) this.backgroundFlush();
  }

  private backgroundFlush(): void {
    if (this.pending.length === 0) return;
    this.schedule();
  }

  /** Queues one flush of what is pending now behind earlier flushes. */
  private schedule(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.chain = this.chain.then(async () => {
      const settled = await Promise.allSettled(batch);
      const ready: Uint8Array[] = [];
      for (const s of settled) {
        if (s.status === 'fulfilled') ready.push(s.value);
        else this.failure ??= s.reason;
      }
      if (this.broken) return;
      try {
        if (ready.length) await this.sink.append(concat(ready));
        await this.sink.flush?.();
      } catch (e) {
        this.broken = true;
        this.failure ??= e;
      }
    });
  }
}

function hist(tag: string, values: ArrayLike<number>, buckets: number | undefined): ValueFill {
  return histogramValue(tag, histogramBuckets(values, buckets));
}

function isTensor(x: unknown): x is Tensor {
  return (
    typeof x === 'object' && x !== null && typeof (x as Tensor).data === 'function' && 'shape' in x && 'dtype' in x
  );
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
