import { keysOf } from '@estimatorjs/errors';
import type { Every } from './every-n.js';
import { EveryN } from './every-n.js';
import type { Hook, RunContext } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** Options of {@link StepCounterHook}. */
export interface StepCounterHookOptions {
  /** How often to measure; default every 100 steps. */
  readonly every?: Every;
  /** When set, `examples/sec` is written too (batch size × steps/sec). */
  readonly batchSize?: number;
  /** Where lines go; default `console.log`. Pass `null` to only write summaries. */
  readonly log?: ((line: string) => void) | null;
  /** Clock in seconds; default `performance.now() / 1000`. Inject one to test rates without wall time. */
  readonly now?: () => number;
}
const STEP_COUNTER_HOOK_KEYS = keysOf<StepCounterHookOptions>()(['every', 'batchSize', 'log', 'now']);

/**
 * Measures training speed (TF's `StepCounterHook`): writes `global_step/sec` (and `examples/sec`) to the run's
 * summary writer and logs `global_step/sec: 12.3`.
 * @example
 *   new StepCounterHook({ every: { steps: 100 }, batchSize: 128 })
 */
export class StepCounterHook implements Hook {
  readonly key = 'StepCounterHook';
  private readonly timer: EveryN;
  /** The most recent measurement, for tests and progress displays. */
  lastStepsPerSec: number | null = null;

  constructor(private readonly options: StepCounterHookOptions = {}) {
    checkHookOptions('new StepCounterHook()', options, STEP_COUNTER_HOOK_KEYS);
    this.timer = new EveryN(options.every ?? { steps: 100 }, options.now);
  }

  afterCreateSession(ctx: { globalStep: number }): void {
    this.timer.reset();
    this.timer.markTriggered(ctx.globalStep);
  }

  afterRun(ctx: RunContext): void {
    const step = ctx.globalStep;
    if (!this.timer.shouldTrigger(step)) return;
    const elapsed = this.timer.markTriggered(step);
    if (!elapsed || elapsed.elapsedSecs <= 0 || elapsed.elapsedSteps <= 0) return;
    const rate = elapsed.elapsedSteps / elapsed.elapsedSecs;
    this.lastStepsPerSec = rate;
    ctx.summaryWriter?.scalar('global_step/sec', rate, step);
    if (this.options.batchSize) ctx.summaryWriter?.scalar('examples/sec', rate * this.options.batchSize, step);
    const log = this.options.log === undefined ? console.log : this.options.log;
    log?.(`global_step/sec: ${rate.toPrecision(4)}`);
  }
}
