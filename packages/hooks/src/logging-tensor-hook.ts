import { keysOf } from '@estimatorjs/errors';
import { HookError } from './errors.js';
import type { Every } from './every-n.js';
import { EveryN } from './every-n.js';
import type { FetchedValue, Hook, RunArgs, RunContext, RunValues, SessionContext } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** Options of {@link LoggingTensorHook}. */
export interface LoggingTensorHookOptions {
  /** Tensor names to log, or display name → tensor name. */
  readonly tensors: readonly string[] | Readonly<Record<string, string>>;
  /** How often to log; default every 100 steps. `null` logs only at the end (needs `atEnd`). */
  readonly every?: Every | null;
  /** Turns the values into the log line; default `name = value, …`. */
  readonly formatter?: (values: Readonly<Record<string, FetchedValue>>) => string;
  /** Also log the last values at `end`. */
  readonly atEnd?: boolean;
  /** Where lines go; default `console.log`. */
  readonly log?: (line: string) => void;
}
const LOGGING_TENSOR_HOOK_KEYS = keysOf<LoggingTensorHookOptions>()(['tensors', 'every', 'formatter', 'atEnd', 'log']);

/**
 * Logs named tensors every N steps or seconds, as TF's `LoggingTensorHook` does:
 * `loss = 0.693, step = 100 (2.345 sec)`. It asks for its tensors only on the steps it logs (and on every step
 * with `atEnd`, to have the last values). The first line comes on the first step; the elapsed time since the
 * previous line is appended from the second line on.
 * @example
 *   new LoggingTensorHook({ tensors: { loss: 'loss', step: 'global_step' }, every: { steps: 100 } })
 */
export class LoggingTensorHook implements Hook {
  readonly key = 'LoggingTensorHook';
  private readonly tensors: Readonly<Record<string, string>>;
  private readonly timer: EveryN | null;
  private triggered = false;
  private last: Readonly<Record<string, FetchedValue>> | null = null;

  constructor(private readonly options: LoggingTensorHookOptions) {
    checkHookOptions('new LoggingTensorHook()', options, LOGGING_TENSOR_HOOK_KEYS);
    const t = options.tensors;
    this.tensors = Array.isArray(t) ? Object.fromEntries(t.map((n) => [n, n])) : (t as Record<string, string>);
    if (Object.keys(this.tensors).length === 0) {
      throw new HookError(
        'INVALID_ARGUMENT',
        'LoggingTensorHook: `tensors` must name at least one tensor. Received none.',
      );
    }
    if (options.every === null && !options.atEnd) {
      throw new HookError(
        'INVALID_ARGUMENT',
        'LoggingTensorHook: with every: null pass atEnd: true, or nothing is ever logged. Received every=null, atEnd=false.',
      );
    }
    this.timer = options.every === null ? null : new EveryN(options.every ?? { steps: 100 });
  }

  beforeRun(ctx: RunContext): RunArgs | undefined {
    this.triggered = this.timer?.shouldTrigger(ctx.globalStep) ?? false;
    return this.triggered || this.options.atEnd ? { fetch: this.tensors } : undefined;
  }

  afterRun(ctx: RunContext, values: RunValues): void {
    this.last = values;
    if (!this.triggered) return;
    const elapsed = this.timer?.markTriggered(ctx.globalStep - 1);
    const line = this.format(values);
    (this.options.log ?? console.log)(elapsed ? `${line} (${elapsed.elapsedSecs.toFixed(3)} sec)` : line);
  }

  end(ctx: SessionContext): void {
    if (!this.options.atEnd) return;
    const last = this.last ?? pick(this.tensors, ctx.lastValues);
    if (last) (this.options.log ?? console.log)(this.format(last));
  }

  private format(values: Readonly<Record<string, FetchedValue>>): string {
    if (this.options.formatter) return this.options.formatter(values);
    return Object.keys(this.tensors)
      .map((k) => `${k} = ${formatValue(values[k])}`)
      .join(', ');
  }
}

function pick(
  tensors: Readonly<Record<string, string>>,
  known: Readonly<Record<string, FetchedValue>> | undefined,
): Record<string, FetchedValue> | null {
  if (!known) return null;
  const out: Record<string, FetchedValue> = {};
  for (const [k, name] of Object.entries(tensors)) if (known[name] !== undefined) out[k] = known[name]!;
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * Formats a fetched value the way TF prints numpy values in logs.
 * @example
 *   formatValue(0.5); // '0.5'
 */
export function formatValue(v: FetchedValue | undefined): string {
  if (v === undefined) return '<missing>';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, '');
  const items = Array.from(v.slice(0, 10), (x) => formatValue(x));
  return `[${items.join(' ')}${v.length > 10 ? ' ...' : ''}]`;
}
