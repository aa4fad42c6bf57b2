/**
 * The evaluation loop of `Estimator.evaluate()`: sums each metric's per-batch update over the whole input and
 * the loss over batches, then computes the results once. Metric totals stay on the backend until the end.
 */

import { type FetchedValue, type Hook, HookList, type RunContext, type SessionContext } from '@estimatorjs/hooks';
import type { SummaryWriter } from '@estimatorjs/summary';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { type EvalEstimatorSpec, validateSpec } from '../estimator-spec.js';
import { runInContextAsync, type ValueCheck } from '../model-fn-context.js';
import { disposeElement, type InputFn, openInput, splitElement } from './input.js';
import type { LoopDeps } from './loop-deps.js';
import { readValues } from './read-values.js';
import { StepContext, StopFlag } from './step-context.js';
import { keepChecks, settleChecks } from './value-checks.js';

/** Evaluation results: each metric, the mean loss, and the global step of the evaluated checkpoint. */
export type EvalResults = Record<string, number> & { readonly loss: number; readonly globalStep: number };

/** Runs one evaluation of the model in memory at global step `step`. */
export async function runEvaluation<P>(
  deps: LoopDeps<P>,
  inputFn: InputFn<P>,
  options: { steps?: number; hooks?: readonly Hook[] },
  writer: SummaryWriter,
): Promise<EvalResults> {
  const api = 'Estimator.evaluate()';
  const step = deps.model.globalStep;
  const hooks = new HookList(options.hooks ?? []);
  const totals = new Map<string, tf.Tensor>();
  const resultFns = new Map<string, (t: Record<string, Float32Array>) => number>();
  let lossSum: tf.Tensor = tf.scalar(0);
  let batches = 0;
  let specHooks: HookList | null = null;
  let lastValues: ReadonlyMap<string, FetchedValue> = new Map();
  const session = (): SessionContext => ({
    mode: 'eval',
    globalStep: step,
    modelDir: deps.modelDir,
    summaryWriter: writer,
    lastValues: Object.fromEntries(lastValues),
  });
  const stop = new StopFlag();
  const runContext = (): RunContext => new StepContext('eval', step, deps.modelDir, writer, lastValues, stop);
  let input: AsyncIterator<unknown> | null = null;
  try {
    await hooks.begin(session());
    input = (await openInput(api, inputFn, deps.params, deps.config.randomSeed)).iterator;
    await hooks.afterCreateSession(session());
    while (stop.reason === null && (options.steps === undefined || batches < options.steps)) {
      const next = await input.next();
      if (next.done) break;
      const { features, labels } = splitElement(api, next.value, true);
      const ctx = runContext();
      const wanted = await hooks.beforeRun(ctx);
      // The spec's hooks come from the first batch's model_fn call; from the second batch on they go before it.
      for (const n of (await specHooks?.beforeRun(ctx)) ?? []) wanted.add(n);
      const fetched = new Map<string, tf.Tensor>();
      let checks: ValueCheck[] = [];
      tf.engine().startScope();
      try {
        const mctx = deps.newContext('eval', { checkValues: batches === 0 });
        const spec = validateSpec(
          await runInContextAsync(mctx, () => deps.callModelFn(features, labels, 'eval')),
          'eval',
        ) as EvalEstimatorSpec;
        if (batches === 0 && spec.evaluationHooks?.length) {
          specHooks = new HookList(spec.evaluationHooks);
          await specHooks.begin(session());
          await specHooks.afterCreateSession(session());
          for (const n of await specHooks.beforeRun(ctx)) wanted.add(n);
        }
        const newLoss = tf.keep(tf.add(lossSum, spec.loss));
        lossSum.dispose();
        lossSum = newLoss;
        for (const [name, metric] of Object.entries(spec.evalMetricOps ?? {})) {
          resultFns.set(name, metric.result);
          for (const [part, value] of Object.entries(metric.update)) {
            const key = `${name}\u0000${part}`;
            const prev = totals.get(key);
            totals.set(key, tf.keep(prev ? tf.add(prev, value) : tf.clone(value)));
            prev?.dispose();
          }
        }
        checks = keepChecks(mctx.checks);
        for (const n of wanted) {
          const t = n === 'loss' ? spec.loss : mctx.named.get(n);
          if (t) fetched.set(n, tf.keep(tf.clone(t)));
          else if (resultFns.has(n)) {
            // A metric by name: its value over the batches so far, from the running totals read with the rest.
            for (const [key, total] of totals)
              if (key.startsWith(`${n}\u0000`)) fetched.set(key, tf.keep(tf.clone(total)));
          }
        }
      } finally {
        tf.engine().endScope();
        disposeElement(next.value);
      }
      batches += 1;
      const [values] = await Promise.all([
        readValues(fetched, new Map([['global_step', step]])),
        settleChecks(checks, step),
      ]);
      metricValues(values, wanted, resultFns);
      lastValues = values;
      await hooks.afterRun(ctx, values);
      await specHooks?.afterRun(ctx, values);
    }
    if (batches === 0) {
      throw new ConfigError(
        'EMPTY_INPUT',
        `${api}: the input yielded no batches; expected at least one [features, labels] element.`,
      );
    }
    const results: Record<string, number> = {};
    const byMetric = new Map<string, Record<string, Float32Array>>();
    const keys = [...totals.keys()];
    const data = await Promise.all(keys.map((k) => totals.get(k)!.data()));
    keys.forEach((k, i) => {
      const [name, part] = k.split('\u0000') as [string, string];
      const rec = byMetric.get(name) ?? {};
      rec[part] = data[i] as Float32Array;
      byMetric.set(name, rec);
    });
    for (const [name, fn] of resultFns) results[name] = fn(byMetric.get(name) ?? {});
    results.loss = (await lossSum.data())[0]! / batches;
    results.globalStep = step;
    for (const [k, v] of Object.entries(results)) if (k !== 'globalStep') writer.scalar(k, v, step);
    await specHooks?.end(session());
    await hooks.end(session());
    const line = Object.entries(results)
      .filter(([k]) => k !== 'globalStep')
      .map(([k, v]) => `${k} = ${Number(v.toPrecision(6))}`)
      .join(', ');
    deps.log(`Saving dict for global step ${step}: ${line}, global_step = ${step}`);
    return results as EvalResults;
  } catch (e) {
    await specHooks?.onError(session(), e);
    await hooks.onError(session(), e);
    throw e;
  } finally {
    lossSum.dispose();
    tf.dispose([...totals.values()]);
    await input?.return?.();
  }
}

/** Replaces the running totals read for each requested metric by the metric's value computed from them. */
function metricValues(
  values: Map<string, FetchedValue>,
  wanted: ReadonlySet<string>,
  resultFns: ReadonlyMap<string, (t: Record<string, Float32Array>) => number>,
): void {
  for (const name of wanted) {
    const result = resultFns.get(name);
    if (!result || values.has(name)) continue;
    const parts: Record<string, Float32Array> = {};
    for (const [key, v] of values) {
      if (!key.startsWith(`${name}\u0000`)) continue;
      parts[key.slice(name.length + 1)] = typeof v === 'number' ? Float32Array.of(v) : Float32Array.from(v);
      values.delete(key);
    }
    values.set(name, result(parts));
  }
}
