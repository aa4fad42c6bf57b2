import { keysOf } from '@estimatorjs/errors';
import * as tf from '@tensorflow/tfjs-core';
import type { ChromeTrace, ChromeTraceEvent } from './chrome-trace.js';
import type { Every } from './every-n.js';
import { EveryN } from './every-n.js';
import type { Hook, RunContext, SessionContext } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** Options of {@link ProfilerHook}. */
export interface ProfilerHookOptions {
  /** Which steps to trace; default every 100 steps (the first step is always traced). */
  readonly every?: Every;
  /**
   * Receives each trace as `timeline-<step>.json` (TF's file name). Default: keep it in memory only
   * ({@link ProfilerHook.traces}). In Node, `fileTraceWriter(dir)` from `@estimatorjs/hooks/node` writes files.
   */
  readonly write?: (fileName: string, trace: ChromeTrace) => void | Promise<void>;
  /** Add a `memory` counter track (bytes held by the backend after each kernel). Default true. */
  readonly showMemory?: boolean;
  /** How many traces to keep in {@link ProfilerHook.traces}; default 5. */
  readonly keep?: number;
}
const PROFILER_HOOK_KEYS = keysOf<ProfilerHookOptions>()(['every', 'write', 'showMemory', 'keep']);

type ProfileInfo = Awaited<ReturnType<typeof tf.profile>>;

/**
 * Records the kernels of one step every N steps and turns them into a Chrome trace (TF's `ProfilerHook`): one span
 * per kernel with its backend time, input and output shapes, plus a memory counter. Open the JSON in
 * `chrome://tracing` or https://ui.perfetto.dev. Uses `tf.profile()`, which times each kernel on its own (for
 * async backends it waits on each one), so traced steps run slower than the others. Kernel spans are laid end to
 * end from the start of the step in the order the kernels ran; their durations are the backend's timings.
 * @example
 *   import { fileTraceWriter } from '@estimatorjs/hooks/node';
 *   new ProfilerHook({ every: { steps: 500 }, write: fileTraceWriter('./mnist_training') });
 */
export class ProfilerHook implements Hook {
  readonly key = 'ProfilerHook';
  /** The newest traces, by global step. */
  readonly traces = new Map<number, ChromeTrace>();
  private readonly timer: EveryN;
  private active: { step: number; startUs: number; done: () => void; info: Promise<ProfileInfo> } | null = null;

  constructor(private readonly options: ProfilerHookOptions = {}) {
    checkHookOptions('new ProfilerHook()', options, PROFILER_HOOK_KEYS);
    this.timer = new EveryN(options.every ?? { steps: 100 });
  }

  beforeRun(ctx: RunContext): undefined {
    if (!this.timer.shouldTrigger(ctx.globalStep)) return undefined;
    this.timer.markTriggered(ctx.globalStep);
    let done: () => void = () => {};
    const until = new Promise<void>((resolve) => {
      done = resolve;
    });
    const startUs = performance.now() * 1000;
    // tf.profile() switches profiling on synchronously and records every kernel until `until` resolves.
    const info = tf.profile(() => until as unknown as tf.TensorContainer);
    this.active = { step: ctx.globalStep + 1, startUs, done, info };
    return undefined;
  }

  async afterRun(): Promise<void> {
    const a = this.active;
    if (!a) return;
    this.active = null;
    a.done();
    const info = await a.info;
    const trace = toChromeTrace(info, a.step, a.startUs, this.options.showMemory ?? true);
    this.traces.set(a.step, trace);
    const keep = this.options.keep ?? 5;
    for (const step of [...this.traces.keys()].slice(0, Math.max(0, this.traces.size - keep))) this.traces.delete(step);
    await this.options.write?.(`timeline-${a.step}.json`, trace);
  }

  async onError(_ctx: SessionContext): Promise<void> {
    // Switch profiling off if a step failed between beforeRun and afterRun.
    const a = this.active;
    this.active = null;
    if (a) {
      a.done();
      await a.info.catch(() => undefined);
    }
  }
}

function toChromeTrace(info: ProfileInfo, step: number, startUs: number, showMemory: boolean): ChromeTrace {
  const events: ChromeTraceEvent[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid: 1, args: { name: `tfjs ${tf.getBackend()}` } },
    { name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid: 1, args: { name: `step ${step}` } },
  ];
  let ts = startUs;
  let totalMs = 0;
  for (const k of info.kernels) {
    const ms = Number(k.kernelTimeMs) || 0;
    const dur = Math.max(ms * 1000, 0.001);
    events.push({
      name: k.name,
      cat: 'kernel',
      ph: 'X',
      ts,
      dur,
      pid: 1,
      tid: 1,
      args: {
        inputShapes: k.inputShapes,
        outputShapes: k.outputShapes,
        bytesAdded: k.bytesAdded,
        ...(k.extraInfo ? { extraInfo: k.extraInfo } : {}),
      },
    });
    ts += dur;
    totalMs += ms;
    if (showMemory) events.push({ name: 'memory', ph: 'C', ts, pid: 1, args: { bytes: k.totalBytesSnapshot } });
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    metadata: {
      globalStep: step,
      backend: tf.getBackend(),
      kernels: info.kernels.length,
      kernelMs: totalMs,
      peakBytes: info.kernels.length > 0 ? info.peakBytes : 0,
      newBytes: info.newBytes,
      newTensors: info.newTensors,
    },
  };
}
