import { existsSync } from 'node:fs';
import { scalarValue } from '@estimatorjs/summary';
import { readEvents } from '@estimatorjs/summary/node';
import type { EvalMetrics } from '../eval-history.js';

/**
 * The eval metrics in an eval directory's event files, by global step (TF's `read_eval_metrics`): every scalar
 * summary written at a step, the newest value winning. Empty when the directory does not exist yet. Pass it to the
 * early-stopping hooks to stop a trainer on the metrics a separate evaluator process writes.
 * @example
 *   import { stopIfNoDecreaseHook } from '@estimatorjs/experiment';
 *   const hook = stopIfNoDecreaseHook(estimator, 'loss', 1000, { readEvalMetrics });
 */
export async function readEvalMetrics(evalDir: string): Promise<EvalMetrics> {
  const out = new Map<number, Record<string, number>>();
  if (!existsSync(evalDir)) return out;
  for await (const ev of readEvents(evalDir)) {
    const step = Number(ev.step ?? 0);
    for (const v of ev.summary?.value ?? []) {
      const x = scalarValue(v);
      if (x === undefined || !v.tag) continue;
      const rec = out.get(step) ?? { global_step: step };
      rec[v.tag] = x;
      out.set(step, rec);
    }
  }
  return new Map([...out].sort(([a], [b]) => a - b));
}
