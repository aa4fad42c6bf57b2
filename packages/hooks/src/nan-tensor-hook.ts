import { keysOf } from '@estimatorjs/errors';
import { HookError } from './errors.js';
import type { Hook, RunArgs, RunContext, RunValues } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** Options of {@link NanTensorHook}. */
export interface NanTensorHookOptions {
  /** The tensor to watch; default `'loss'`. */
  readonly tensor?: string;
  /** Throw (default) or only request a stop. */
  readonly failOnNanLoss?: boolean;
}
const NAN_TENSOR_HOOK_KEYS = keysOf<NanTensorHookOptions>()(['tensor', 'failOnNanLoss']);

/**
 * Stops training when the loss is NaN or infinite (TF's `NanTensorHook`): throws a `NAN_LOSS` error naming the
 * step, or requests a stop when `failOnNanLoss` is false.
 * @example
 *   new NanTensorHook({ tensor: 'loss' })
 */
export class NanTensorHook implements Hook {
  readonly key = 'NanTensorHook';
  constructor(private readonly options: NanTensorHookOptions = {}) {
    checkHookOptions('new NanTensorHook()', options, NAN_TENSOR_HOOK_KEYS);
  }

  beforeRun(): RunArgs {
    return { fetch: { value: this.options.tensor ?? 'loss' } };
  }

  afterRun(ctx: RunContext, values: RunValues): void {
    const v = values.value;
    if (typeof v !== 'number' || Number.isFinite(v)) return;
    const msg = `NaN loss during training: ${this.options.tensor ?? 'loss'} = ${v} at step ${ctx.globalStep}.`;
    if (this.options.failOnNanLoss === false) ctx.requestStop(msg);
    else throw new HookError('NAN_LOSS', msg);
  }
}
