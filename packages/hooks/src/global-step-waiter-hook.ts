import { keysOf } from '@estimatorjs/errors';
import { HookError } from './errors.js';
import type { Hook, RunContext } from './hook.js';
import { checkHookOptions } from './internal/check-hook-options.js';

/** Options of {@link GlobalStepWaiterHook}. */
export interface GlobalStepWaiterHookOptions {
  /** Do not run the first step before the shared global step reaches this. */
  readonly waitUntilStep: number;
  /**
   * Reads the shared global step (for example the step of the latest checkpoint another process wrote). Needed
   * when the run starts below `waitUntilStep`: nothing in this process moves its own global step while it waits.
   */
  readonly readGlobalStep?: () => number | Promise<number>;
  /** Seconds between reads; default 0.5 (TF's). */
  readonly pollSecs?: number;
  /** Where lines go; default `console.log`. Pass `null` for silence. */
  readonly log?: ((line: string) => void) | null;
  /** Gives up waiting when aborted. */
  readonly signal?: AbortSignal;
}
const GLOBAL_STEP_WAITER_HOOK_KEYS = keysOf<GlobalStepWaiterHookOptions>()([
  'waitUntilStep',
  'readGlobalStep',
  'pollSecs',
  'log',
  'signal',
]);

/**
 * Delays the first step until the shared global step reaches `waitUntilStep` (TF's `GlobalStepWaiterHook`, used to
 * start replicas gradually). It logs while it waits, at the start and again every 1000 steps of progress.
 * @example
 *   new GlobalStepWaiterHook({ waitUntilStep: 100, readGlobalStep: async () => stepOfLatestCheckpoint() })
 */
export class GlobalStepWaiterHook implements Hook {
  readonly key = 'GlobalStepWaiterHook';
  private started = false;

  constructor(private readonly options: GlobalStepWaiterHookOptions) {
    checkHookOptions('new GlobalStepWaiterHook()', options, GLOBAL_STEP_WAITER_HOOK_KEYS);
    const n = options?.waitUntilStep;
    if (!(Number.isInteger(n) && n >= 0)) {
      throw new HookError(
        'INVALID_ARGUMENT',
        `GlobalStepWaiterHook: waitUntilStep must be an integer >= 0. Received ${String(n)}.`,
      );
    }
  }

  begin(): void {
    this.started = false;
  }

  async beforeRun(ctx: RunContext): Promise<undefined> {
    if (this.started) return undefined;
    const o = this.options;
    let step = ctx.globalStep;
    if (step < o.waitUntilStep && !o.readGlobalStep) {
      throw new HookError(
        'INVALID_ARGUMENT',
        `GlobalStepWaiterHook: the global step is ${step} and waitUntilStep is ${o.waitUntilStep}, but no readGlobalStep was given to see it move; pass readGlobalStep (e.g. the step of the latest checkpoint).`,
      );
    }
    const log = o.log === undefined ? console.log : o.log;
    let lastLogged: number | null = null;
    while (step < o.waitUntilStep) {
      if (lastLogged === null || step - lastLogged >= 1000) {
        log?.(`Waiting for global step ${o.waitUntilStep} before starting training. Current step is ${step}.`);
        lastLogged = step;
      }
      await sleep((o.pollSecs ?? 0.5) * 1000, o.signal);
      step = await o.readGlobalStep!();
    }
    this.started = true;
    return undefined;
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new HookError('ABORTED', 'GlobalStepWaiterHook: aborted while waiting for the global step.'));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new HookError('ABORTED', 'GlobalStepWaiterHook: aborted while waiting for the global step.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
