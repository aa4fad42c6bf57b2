import { HookError } from './errors.js';
import type { FetchedValue, Hook, RunArgs, RunContext, RunValues, SessionContext } from './hook.js';

/**
 * Runs a list of hooks through the lifecycle in a deterministic order (given order, `runsLast` hooks
 * at the end), merges what they ask to read, and hands each hook back only the values it asked for.
 * Owns: ordering, fetch bookkeeping, naming the hook in errors. Does not own: the step itself.
 * @example
 *   const hooks = new HookList([new StopAtStepHook({ lastStep: 100 }), new NanTensorHook({ tensor: 'loss' })]);
 */
export class HookList {
  readonly hooks: readonly Hook[];
  private requests: (Readonly<Record<string, string>> | undefined)[] = [];

  constructor(hooks: readonly Hook[]) {
    for (const [i, h] of hooks.entries()) {
      if (h === null || typeof h !== 'object') {
        throw new HookError(
          'INVALID_HOOK',
          `HookList: hooks[${i}] must be an object with hook methods; received ${String(h)}.`,
        );
      }
    }
    this.hooks = [...hooks.filter((h) => !h.runsLast), ...hooks.filter((h) => h.runsLast)];
  }

  async begin(ctx: SessionContext): Promise<void> {
    for (const h of this.hooks) await this.call(h, 'begin', () => h.begin?.(ctx));
  }

  async afterCreateSession(ctx: SessionContext): Promise<void> {
    for (const h of this.hooks) await this.call(h, 'afterCreateSession', () => h.afterCreateSession?.(ctx));
  }

  /** Calls every `beforeRun`; returns the union of tensor names to read for this step. */
  async beforeRun(ctx: RunContext): Promise<Set<string>> {
    const names = new Set<string>();
    this.requests = [];
    // The per-step phases run every step: skip hooks without the method, and await only real promises.
    for (const h of this.hooks) {
      let args: RunArgs | undefined;
      if (h.beforeRun) {
        const r = this.call(h, 'beforeRun', () => h.beforeRun?.(ctx));
        args = (r instanceof Promise ? await r : r) as RunArgs | undefined;
      }
      this.requests.push(args?.fetch);
      if (args?.fetch) for (const name of Object.values(args.fetch)) names.add(name);
    }
    return names;
  }

  /** Calls every `afterRun` with the values it asked for in `beforeRun`, keyed as it asked. */
  async afterRun(ctx: RunContext, byName: ReadonlyMap<string, FetchedValue>): Promise<void> {
    for (const [i, h] of this.hooks.entries()) {
      if (!h.afterRun) continue;
      const request = this.requests[i];
      const values: Record<string, FetchedValue> = {};
      if (request) {
        for (const [key, name] of Object.entries(request)) {
          const v = byName.get(name);
          if (v !== undefined) values[key] = v;
        }
      }
      const r = this.call(h, 'afterRun', () => h.afterRun?.(ctx, values as RunValues));
      if (r instanceof Promise) await r;
    }
  }

  async end(ctx: SessionContext): Promise<void> {
    for (const h of this.hooks) await this.call(h, 'end', () => h.end?.(ctx));
  }

  /** Tells every hook about an error; errors thrown by `onError` itself are ignored so the first one wins. */
  async onError(ctx: SessionContext, error: unknown): Promise<void> {
    for (const h of this.hooks) {
      try {
        await h.onError?.(ctx, error);
      } catch {
        // The original error is the one the caller needs to see.
      }
    }
  }

  /**
   * Calls one hook method, naming the hook in its errors. Returns a promise only when the method did: the
   * per-step phases of synchronous hooks then cost no promise and no microtask.
   */
  private call(h: Hook, phase: string, fn: () => unknown): unknown {
    try {
      const r = fn();
      return r instanceof Promise ? r.catch((e: unknown) => Promise.reject(hookFailed(h, phase, e))) : r;
    } catch (e) {
      throw hookFailed(h, phase, e);
    }
  }
}

function hookFailed(h: Hook, phase: string, e: unknown): unknown {
  if (e instanceof HookError && e.code === 'HOOK_FAILED') return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new HookError('HOOK_FAILED', `${hookName(h)}.${phase}() failed: ${msg}`, { cause: e });
}

/**
 * The name a hook is reported under.
 * @example
 *   hookName(new StopAtStepHook({ lastStep: 100 })); // 'StopAtStepHook'
 */
export function hookName(h: Hook): string {
  return h.key ?? h.constructor?.name ?? 'anonymous hook';
}
