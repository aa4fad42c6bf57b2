import { keysOf } from '@estimatorjs/errors';
import { HookError } from './errors.js';
import type { FetchedValue, Hook, RunArgs, RunContext, RunValues, SessionContext } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** Options of {@link FinalOpsHook}. */
export interface FinalOpsHookOptions {
  /** Tensor names to read, or key → tensor name. */
  readonly tensors: readonly string[] | Readonly<Record<string, string>>;
}
const FINAL_OPS_HOOK_KEYS = keysOf<FinalOpsHookOptions>()(['tensors']);

/**
 * Reads named tensors on the last step of a run and keeps their values in {@link FinalOpsHook.finalOpsValues}
 * (TF's `FinalOpsHook`). The loop cannot know in advance which step is the last, so the hook asks for its tensors
 * on every step (they share the step's single read with the other hooks) and keeps the newest values.
 * @example
 *   const final = new FinalOpsHook({ tensors: ['loss', 'global_step'] });
 *   await estimator.train(inputFn, { steps: 100, hooks: [final] });
 *   console.log(final.finalOpsValues); // { loss: 0.12, global_step: 100 }
 */
export class FinalOpsHook implements Hook {
  readonly key = 'FinalOpsHook';
  private readonly tensors: Readonly<Record<string, string>>;
  private last: Readonly<Record<string, FetchedValue>> | null = null;
  private final: Readonly<Record<string, FetchedValue>> | null = null;

  constructor(options: FinalOpsHookOptions) {
    checkHookOptions('new FinalOpsHook()', options, FINAL_OPS_HOOK_KEYS);
    const t = options?.tensors;
    this.tensors = Array.isArray(t) ? Object.fromEntries(t.map((n) => [n, n])) : ((t ?? {}) as Record<string, string>);
    if (Object.keys(this.tensors).length === 0) {
      throw new HookError('INVALID_ARGUMENT', 'FinalOpsHook: `tensors` must name at least one tensor. Received none.');
    }
  }

  /** The values read on the last step, keyed as given; null until the run has ended. */
  get finalOpsValues(): Readonly<Record<string, FetchedValue>> | null {
    return this.final;
  }

  begin(): void {
    this.last = null;
    this.final = null;
  }

  beforeRun(): RunArgs {
    return { fetch: this.tensors };
  }

  afterRun(_ctx: RunContext, values: RunValues): void {
    this.last = values;
  }

  end(ctx: SessionContext): void {
    if (this.last) {
      this.final = this.last;
      return;
    }
    // No step ran in this session: fall back to what the loop still knows, if anything.
    const known = ctx.lastValues ?? {};
    const out: Record<string, FetchedValue> = {};
    for (const [k, name] of Object.entries(this.tensors)) if (known[name] !== undefined) out[k] = known[name]!;
    this.final = out;
  }
}
