import { keysOf } from '@estimatorjs/errors';
import type { Every } from './every-n.js';
import { EveryN } from './every-n.js';
import type { Hook, RunArgs, RunContext, RunValues, ScalarWriter } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** Options of {@link SummarySaverHook}. */
export interface SummarySaverHookOptions {
  /** Scalar tags to write, or tag → tensor name. Default `['loss']`. */
  readonly scalars?: readonly string[] | Readonly<Record<string, string>>;
  /** How often; default every 100 steps. */
  readonly every?: Every;
  /** Writer to use; default the run's summary writer. */
  readonly writer?: ScalarWriter;
}
const SUMMARY_SAVER_HOOK_KEYS = keysOf<SummarySaverHookOptions>()(['scalars', 'every', 'writer']);

/**
 * Writes named scalar tensors to the summary writer every N steps or seconds (TF's `SummarySaverHook`).
 * @example
 *   new SummarySaverHook({ scalars: ['loss', 'learning_rate'], every: { steps: 100 } })
 */
export class SummarySaverHook implements Hook {
  readonly key = 'SummarySaverHook';
  private readonly tags: Readonly<Record<string, string>>;
  private readonly timer: EveryN;
  private triggered = false;

  constructor(private readonly options: SummarySaverHookOptions = {}) {
    checkHookOptions('new SummarySaverHook()', options, SUMMARY_SAVER_HOOK_KEYS);
    const s = options.scalars ?? ['loss'];
    this.tags = Array.isArray(s) ? Object.fromEntries(s.map((n) => [n, n])) : (s as Record<string, string>);
    this.timer = new EveryN(options.every ?? { steps: 100 });
  }

  beforeRun(ctx: RunContext): RunArgs | undefined {
    this.triggered = this.timer.shouldTrigger(ctx.globalStep);
    return this.triggered ? { fetch: this.tags } : undefined;
  }

  afterRun(ctx: RunContext, values: RunValues): void {
    if (!this.triggered) return;
    this.timer.markTriggered(ctx.globalStep - 1);
    const writer = this.options.writer ?? ctx.summaryWriter;
    if (!writer) return;
    for (const [tag, v] of Object.entries(values)) {
      if (typeof v === 'number') writer.scalar(tag, v, ctx.globalStep);
    }
  }
}
