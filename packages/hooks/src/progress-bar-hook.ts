import { keysOf } from '@estimatorjs/errors';
import type { Every } from './every-n.js';
import { EveryN } from './every-n.js';
import type { Hook, RunArgs, RunContext, RunValues, SessionContext } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';
import { formatValue } from './logging-tensor-hook.js';

/** Where the progress bar draws: a terminal stream (`process.stdout`) or anything with `write`. */
export interface ProgressOutput {
  write(text: string): unknown;
  /** True for a terminal: the bar is redrawn in place. Otherwise plain lines are written. */
  readonly isTTY?: boolean;
  /** Terminal width; default 80. */
  readonly columns?: number;
}

/** Options of {@link ProgressBarHook}. */
export interface ProgressBarHookOptions {
  /**
   * The global step training stops at (for the bar and the ETA). Default: the run's own (`train({ steps })` or
   * `{ maxSteps }`); without either only steps and speed are shown.
   */
  readonly lastStep?: number;
  /** Or: how many steps this run takes, counted from the step at `begin`. */
  readonly numSteps?: number;
  /** Default: `process.stdout` where there is one, otherwise lines to `console.log`. */
  readonly output?: ProgressOutput;
  /** How often to write a line when the output is not a terminal; default every 10 seconds. */
  readonly every?: Every;
  /** The tensor shown beside the bar; default `'loss'`. */
  readonly tensor?: string;
  /** Clock in seconds (tests). */
  readonly now?: () => number;
}
const PROGRESS_BAR_HOOK_KEYS = keysOf<ProgressBarHookOptions>()([
  'lastStep',
  'numSteps',
  'output',
  'every',
  'tensor',
  'now',
]);

/**
 * A progress bar for training in a terminal: steps done, the loss, speed and the time left.
 * `[=========>          ] 450/1000  45%  loss 0.3412  31.2 steps/s  ETA 18s`. When the output is not a
 * terminal (a log file, CI) it writes one plain line every 10 seconds and one at the end instead.
 * @example
 *   await estimator.train(inputFn, { maxSteps: 1000, hooks: [new ProgressBarHook()] });
 */
export class ProgressBarHook implements Hook {
  readonly key = 'ProgressBarHook';
  private readonly output: ProgressOutput;
  private readonly now: () => number;
  private readonly timer: EveryN;
  private firstStep = 0;
  private lastStep: number | null = null;
  private startTime = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private loss: number | undefined;
  private drawn = false;
  /** The bar as last drawn while it sits, unfinished, on the terminal's last line (null when there is none). */
  private showing: string | null = null;

  constructor(private readonly options: ProgressBarHookOptions = {}) {
    checkHookOptions('new ProgressBarHook()', options, PROGRESS_BAR_HOOK_KEYS);
    this.output = options.output ?? defaultOutput();
    this.now = options.now ?? (() => performance.now() / 1000);
    this.timer = new EveryN(options.every ?? { secs: 10 }, this.now);
  }

  begin(ctx: SessionContext): void {
    this.firstStep = ctx.globalStep;
    this.lastStep =
      this.options.lastStep ??
      (this.options.numSteps !== undefined ? ctx.globalStep + this.options.numSteps : (ctx.stopAtStep ?? null));
    this.startTime = this.now();
    this.timer.reset();
    this.timer.markTriggered(ctx.globalStep);
    this.drawn = false;
  }

  beforeRun(): RunArgs {
    return { fetch: { value: this.options.tensor ?? 'loss' } };
  }

  afterRun(ctx: RunContext, values: RunValues): void {
    const v = values.value;
    if (typeof v === 'number') this.loss = v;
    const step = ctx.globalStep;
    if (this.output.isTTY) {
      // Redraw at most 10 times a second, and always on the last step.
      if (this.now() - this.lastDraw < 0.1 && step !== this.lastStep && !ctx.stopRequested) return;
      this.lastDraw = this.now();
      this.showing = this.line(step, true);
      this.output.write(`\r${this.showing}\x1b[K`);
      this.drawn = true;
    } else if (this.timer.shouldTrigger(step)) {
      this.timer.markTriggered(step);
      this.output.write(`${this.line(step, false)}\n`);
      this.drawn = true;
    }
  }

  end(ctx: SessionContext): void {
    this.showing = null;
    if (this.output.isTTY) this.output.write(`\r${this.line(ctx.globalStep, true)}\x1b[K\n`);
    else if (this.timer.lastTriggeredStep !== ctx.globalStep || !this.drawn)
      this.output.write(`${this.line(ctx.globalStep, false)}\n`);
    this.drawn = true;
  }

  onError(): void {
    if (this.output.isTTY && this.showing !== null) this.output.write('\n');
    this.showing = null;
  }

  /**
   * Writes a log line to the bar's output without colliding with the bar: in a terminal the bar is erased, the line
   * written, and the bar drawn again below it. Pass it as the `log` of the Estimator (and anything else that prints
   * during training), e.g. `new Estimator({ …, log: (line) => bar.log(line) })`.
   */
  log(line: string): void {
    if (this.showing === null) this.output.write(`${line}\n`);
    else this.output.write(`\r\x1b[K${line}\n${this.showing}\x1b[K`);
  }

  /** The text for `step`: with a bar for terminals, plain for logs. */
  private line(step: number, bar: boolean): string {
    const done = step - this.firstStep;
    const elapsed = this.now() - this.startTime;
    const rate = elapsed > 0 && done > 0 ? done / elapsed : null;
    const parts: string[] = [];
    const last = this.lastStep;
    if (last !== null) {
      const total = Math.max(last - this.firstStep, 1);
      const frac = Math.min(Math.max(done / total, 0), 1);
      if (bar) {
        const width = Math.max(10, Math.min(30, (this.output.columns ?? 80) - 60));
        const full = Math.floor(frac * width);
        parts.push(`[${'='.repeat(full)}${full < width ? '>' : ''}${' '.repeat(Math.max(0, width - full - 1))}]`);
      }
      parts.push(`${bar ? '' : 'step '}${step}/${last}`, `${Math.floor(frac * 100)}%`);
    } else {
      parts.push(`step ${step}`);
    }
    if (this.loss !== undefined) parts.push(`${this.options.tensor ?? 'loss'} ${formatValue(this.loss)}`);
    if (rate !== null) parts.push(`${rate.toPrecision(3)} steps/s`);
    if (last !== null && rate !== null && step < last) parts.push(`ETA ${formatDuration((last - step) / rate)}`);
    else if (last !== null && step >= last) parts.push(`done in ${formatDuration(elapsed)}`);
    return parts.join('  ');
  }
}

/**
 * `95s` → `1m35s`; `4000s` → `1h06m`.
 * @example
 *   formatDuration(95); // '1m35s'
 */
export function formatDuration(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function defaultOutput(): ProgressOutput {
  const stdout = (globalThis as { process?: { stdout?: ProgressOutput } }).process?.stdout;
  if (stdout && typeof stdout.write === 'function') return stdout;
  return { write: (text: string) => console.log(text.replace(/\n$/, '')) };
}
