/** One event of the Chrome trace format (`chrome://tracing`, Perfetto): a complete span (`X`) or a counter (`C`). */
export interface ChromeTraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'C' | 'M';
  /** Start, in microseconds. */
  readonly ts: number;
  /** Duration of an `X` event, in microseconds. */
  readonly dur?: number;
  readonly pid: number;
  readonly tid?: number;
  readonly cat?: string;
  readonly args?: Readonly<Record<string, unknown>>;
}

/** A Chrome trace file (the JSON object form), as TF's `ProfilerHook` writes to `timeline-<step>.json`. */
export interface ChromeTrace {
  readonly traceEvents: readonly ChromeTraceEvent[];
  readonly displayTimeUnit: 'ms';
  /** What was traced: the global step, the backend, and totals. */
  readonly metadata: Readonly<Record<string, unknown>>;
}
