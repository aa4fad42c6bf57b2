/** The prediction loop of `Estimator.predict()`: one model_fn call per batch, then plain values per example. */

import { type FetchedValue, type Hook, HookList, type SessionContext } from '@estimatorjs/hooks';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { type PredictEstimatorSpec, validateSpec } from '../estimator-spec.js';
import { runInContextAsync } from '../model-fn-context.js';
import { disposeElement, type InputFn, openInput, splitElement } from './input.js';
import type { LoopDeps } from './loop-deps.js';

/** One prediction: a value, or a dict of values (numbers for scalars, typed arrays otherwise). */
export type Prediction = FetchedValue | Record<string, FetchedValue>;

/** Yields the predictions of the model in memory for every element of the input. */
export async function* runPrediction<P>(
  deps: LoopDeps<P>,
  inputFn: InputFn<P>,
  options: { predictKeys?: readonly string[]; yieldSingleExamples?: boolean; hooks?: readonly Hook[] },
): AsyncGenerator<Prediction> {
  const api = 'Estimator.predict()';
  const hooks = new HookList(options.hooks ?? []);
  const session = (): SessionContext => ({ mode: 'infer', globalStep: deps.model.globalStep, modelDir: deps.modelDir });
  let input: AsyncIterator<unknown> | null = null;
  try {
    await hooks.begin(session());
    input = (await openInput(api, inputFn, deps.params)).iterator;
    await hooks.afterCreateSession(session());
    for (;;) {
      const next = await input.next();
      if (next.done) break;
      const { features } = splitElement(api, next.value);
      let single = false;
      const outputs = new Map<string, tf.Tensor>();
      tf.engine().startScope();
      try {
        const spec = validateSpec(
          await runInContextAsync(deps.newContext('infer'), () => deps.callModelFn(features, undefined, 'infer')),
          'infer',
        ) as PredictEstimatorSpec;
        const preds = spec.predictions;
        if (preds instanceof tf.Tensor) {
          single = true;
          outputs.set('', tf.keep(tf.clone(preds)));
        } else {
          for (const k of options.predictKeys ?? Object.keys(preds)) {
            const t = preds[k];
            if (!t) {
              throw new ConfigError(
                'INVALID_ARGUMENT',
                `${api}: predictKeys names ${JSON.stringify(k)}, but the model_fn's predictions have keys ${Object.keys(preds).join(', ')}.`,
              );
            }
            outputs.set(k, tf.keep(tf.clone(t)));
          }
        }
      } catch (e) {
        tf.dispose([...outputs.values()]);
        throw e;
      } finally {
        tf.engine().endScope();
        disposeElement(next.value);
      }
      yield* splitPredictions(outputs, single, options.yieldSingleExamples ?? true);
    }
    await hooks.end(session());
  } finally {
    await input?.return?.();
  }
}

async function* splitPredictions(
  outputs: Map<string, tf.Tensor>,
  single: boolean,
  perExample: boolean,
): AsyncGenerator<Prediction> {
  const entries = [...outputs];
  const shapes = entries.map(([, t]) => t.shape);
  const data = await Promise.all(entries.map(([, t]) => t.data())).finally(() => tf.dispose(entries.map(([, t]) => t)));
  const batch = shapes[0]?.[0] ?? 1;
  for (const [i, s] of shapes.entries()) {
    if (perExample && (s.length === 0 || s[0] !== batch)) {
      throw new ConfigError(
        'INVALID_SPEC',
        `Estimator.predict(): every prediction must have the batch size ${batch} as its first axis to yield single examples; ${entries[i]![0] || 'predictions'} has shape [${s}].`,
      );
    }
  }
  const pick = (d: tf.TypedArray, shape: number[], row: number | null): FetchedValue => {
    if (row === null) return d.length === 1 ? d[0]! : (d as FetchedValue);
    const per = shape.slice(1).reduce((a, b) => a * b, 1);
    const slice = d.slice(row * per, (row + 1) * per) as Float32Array | Int32Array | Uint8Array;
    return per === 1 && shape.length === 1 ? slice[0]! : slice;
  };
  const rows: (number | null)[] = perExample ? Array.from({ length: batch }, (_, r) => r) : [null];
  for (const row of rows) {
    if (single) yield pick(data[0]!, shapes[0]!, row);
    else yield Object.fromEntries(entries.map(([k], i) => [k, pick(data[i]!, shapes[i]!, row)]));
  }
}
