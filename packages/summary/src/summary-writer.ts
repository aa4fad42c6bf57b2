/** The contracts between summary producers (estimator, hooks), the writer and where bytes go. */
import type { Tensor } from '@tensorflow/tfjs-core';
import type { GraphNode } from './graph-def.js';

/** Numbers a histogram is computed from. */
export type HistogramInput = Tensor | Float32Array | Float64Array | Int32Array | Uint8Array | readonly number[];

/** Options of {@link SummaryWriter.histogram}. */
export interface HistogramOptions {
  /** Number of equal-width buckets between min and max (default 30, as TF2). */
  readonly buckets?: number;
}

/** A `SessionLog` status (TF's `SessionLog.SessionStatus`). */
export type SessionStatus = 'start' | 'stop' | 'checkpoint';

/** Options of {@link SummaryWriter.sessionLog}. */
export interface SessionLogOptions {
  /** The checkpoint the session started from or saved. */
  readonly checkpointPath?: string;
  readonly msg?: string;
}

/** Options of {@link SummaryWriter.image}. */
export interface ImageOptions {
  /** At most this many images of a batch are written (default 3, TF's `max_outputs`). */
  readonly maxOutputs?: number;
}

/**
 * What the estimator and hooks write summaries through. Writes are buffered and return at once; bytes reach the
 * sink on the periodic flush, on `flush()` and on `close()`.
 * @example
 *   writer.scalar('loss', 0.25, 100);
 *   writer.histogram('dense/kernel', kernel, 100);
 *   await writer.close();
 */
export interface SummaryWriter {
  /** The directory (or sink name) this writer writes to. */
  readonly logdir: string;
  /** Buffers a scalar (TF2 tensor-style, `scalars` plugin). */
  scalar(tag: string, value: number, step: number): void;
  /**
   * Buffers a histogram of `values` (TF2 `[k, 3]` buckets, `histograms` plugin). A tensor is read asynchronously;
   * the caller may dispose it right after the call.
   */
  histogram(tag: string, values: HistogramInput, step: number, options?: HistogramOptions): void;
  /**
   * Buffers PNG images from a `[H, W, C]` or `[N, H, W, C]` tensor, C = 1 (grayscale), 2, 3 (RGB) or 4 (RGBA); float
   * values are taken in [0, 1], integers in [0, 255]. Tags: `tag/image` for one image, `tag/image/<i>` for a batch.
   */
  image(tag: string, images: Tensor, step: number, options?: ImageOptions): void;
  /** Buffers a text summary (rendered as markdown by TensorBoard). */
  text(tag: string, text: string, step: number): void;
  /** Buffers a `GraphDef` event built from `nodes`, for TensorBoard's Graphs tab. */
  graph(nodes: readonly GraphNode[], step?: number): void;
  /**
   * Buffers a `SessionLog` event (TF's `add_session_log`). `start` at a step tells TensorBoard that a run restarted
   * there, so it drops the events of later steps that the crashed run had written (no steps drawn twice). Optional.
   */
  sessionLog?(status: SessionStatus, step: number, options?: SessionLogOptions): void;
  /** Writes everything buffered so far to the sink. Rejects with the error of a failed background flush. */
  flush(): Promise<void>;
  /** Flushes and closes the sink. Idempotent: later calls return the same promise. */
  close(): Promise<void>;
}

/**
 * Where an {@link EventWriter} puts the bytes of one event file: a file (Node), an IndexedDB record (browser) or
 * memory (tests). Calls are never concurrent: the writer awaits each before the next.
 * @example
 *   const chunks: Uint8Array[] = [];
 *   const sink: EventSink = { name: 'mem', async append(b) { chunks.push(b); }, async close() {} };
 */
export interface EventSink {
  /** A readable name: the file path, or the IndexedDB file name. */
  readonly name: string;
  /** Appends TFRecord-framed bytes to the end of the event file. */
  append(bytes: Uint8Array): Promise<void>;
  /** Appends synchronously, for best-effort flushes on process exit. Optional. */
  appendSync?(bytes: Uint8Array): void;
  /** Makes appended bytes durable, when the medium distinguishes. Optional. */
  flush?(): Promise<void>;
  /** Releases the medium. No appends follow. */
  close(): Promise<void>;
}
