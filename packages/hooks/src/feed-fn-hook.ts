import { HookError } from './errors.js';
import type { Hook, RunContext } from './hook.js';

/**
 * Calls `feedFn` before every step and keeps its result in {@link FeedFnHook.values} (TF's `FeedFnHook`, which
 * returned a `feed_dict` from `before_run`). There are no placeholders in eager code: the model_fn reads the fed
 * values from the hook instead. The Estimator runs the hooks given to `train`/`evaluate`/`predict` before every
 * model_fn call of a step (in training also before the pass that builds the variables on the first step), so every
 * step, the first included, sees its own values. Pass it there, not in the EstimatorSpec's hooks: those come from a
 * model_fn call and so cannot feed it. For data fed once at the start, use an initializable iterator instead.
 * @example
 *   import type { ModelFn } from '@estimatorjs/estimator';
 *   const feeds = new FeedFnHook(({ globalStep }) => ({ keep_prob: globalStep < 1000 ? 0.5 : 0.9 }));
 *   const modelFn: ModelFn = (features, labels, mode) => buildSpec(features, labels, mode, 1 - Number(feeds.values.keep_prob));
 *   await estimator.train(inputFn, { hooks: [feeds] });
 */
export class FeedFnHook<T extends Record<string, unknown> = Record<string, unknown>> implements Hook {
  readonly key = 'FeedFnHook';
  private current: T | null = null;

  constructor(private readonly feedFn: (ctx: RunContext) => T | Promise<T>) {
    if (typeof feedFn !== 'function') {
      throw new HookError(
        'INVALID_ARGUMENT',
        `FeedFnHook: feedFn must be a function (ctx) => values. Received ${typeof feedFn}.`,
      );
    }
  }

  /** The values fed for the current step. Throws before the first step (nothing was fed yet). */
  get values(): T {
    if (this.current === null) {
      throw new HookError(
        'NOT_FED',
        'FeedFnHook.values: nothing has been fed yet; expected to be read during a step of a run that has this hook in its hooks (pass it to train/evaluate/predict({ hooks }), not in the EstimatorSpec).',
      );
    }
    return this.current;
  }

  async beforeRun(ctx: RunContext): Promise<undefined> {
    const v = await this.feedFn(ctx);
    if (v === null || typeof v !== 'object') {
      throw new HookError('INVALID_FEED', `FeedFnHook: feedFn must return an object of values. Received ${String(v)}.`);
    }
    this.current = v;
    return undefined;
  }
}
