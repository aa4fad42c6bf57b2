import type { FetchedValue, Hook, RunContext, ScalarWriter, SessionContext } from './hook.js';
import { HookList } from './hook-list.js';

/**
 * A minimal training loop for hook tests: the global step counts up by one per step and the named
 * values come from `valuesAt(step)`; runs until a hook requests a stop or `maxSteps` is reached.
 */
export async function runLoop(
  hooks: Hook[],
  opts: {
    startStep?: number;
    maxSteps?: number;
    valuesAt?: (step: number) => Record<string, FetchedValue>;
    writer?: ScalarWriter;
    /** Runs between beforeRun and afterRun, as the step itself would. */
    onStep?: (step: number) => void;
  } = {},
): Promise<{ finalStep: number; stopReason: string | null; fetchedPerStep: Set<string>[] }> {
  const list = new HookList(hooks);
  let step = opts.startStep ?? 0;
  const base = { mode: 'train' as const, modelDir: '/tmp/x', summaryWriter: opts.writer };
  const session = (): SessionContext => ({ ...base, globalStep: step });
  await list.begin(session());
  await list.afterCreateSession(session());
  let stopReason: string | null = null;
  const fetchedPerStep: Set<string>[] = [];
  for (let i = 0; i < (opts.maxSteps ?? 1000) && stopReason === null; i++) {
    const ctx = (): RunContext => ({
      ...base,
      globalStep: step,
      requestStop: (r) => {
        stopReason = r ?? 'stop requested';
      },
      get stopRequested() {
        return stopReason !== null;
      },
    });
    const names = await list.beforeRun(ctx());
    fetchedPerStep.push(names);
    opts.onStep?.(step);
    const all = { global_step: step, ...(opts.valuesAt?.(step) ?? {}) };
    step += 1;
    const byName = new Map<string, FetchedValue>();
    for (const n of names) if (n in all) byName.set(n, all[n as keyof typeof all] as FetchedValue);
    await list.afterRun(ctx(), byName);
  }
  await list.end(session());
  return { finalStep: step, stopReason, fetchedPerStep };
}
