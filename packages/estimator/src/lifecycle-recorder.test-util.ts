import type { Hook, RunValues } from '@estimatorjs/hooks';

/** A hook that writes every lifecycle call into `log` (shared between hooks and the test) and keeps its values. */
export interface LifecycleRecorder {
  readonly hook: Hook;
  readonly values: RunValues[];
  /** How often each phase ran. */
  count(phase: 'begin' | 'afterCreateSession' | 'beforeRun' | 'afterRun' | 'end' | 'onError'): number;
}

/** `name` prefixes this hook's entries in `log`; `fetch` is what it asks for before every step. */
export function lifecycleRecorder(
  name: string,
  log: string[],
  fetch?: Readonly<Record<string, string>>,
): LifecycleRecorder {
  const values: RunValues[] = [];
  const counts = new Map<string, number>();
  const note = (phase: string, detail = '') => {
    counts.set(phase, (counts.get(phase) ?? 0) + 1);
    log.push(`${name}.${phase}${detail}`);
  };
  const hook: Hook = {
    key: name,
    begin: (ctx) => note('begin', ` ${ctx.mode}@${ctx.globalStep}`),
    afterCreateSession: () => note('afterCreateSession'),
    beforeRun: () => {
      note('beforeRun');
      return fetch ? { fetch } : undefined;
    },
    afterRun: (_ctx, v) => {
      note('afterRun');
      values.push(v);
    },
    end: (ctx) => note('end', ` @${ctx.globalStep}`),
    onError: () => note('onError'),
  };
  return { hook, values, count: (phase) => counts.get(phase) ?? 0 };
}
