/**
 * The prediction loop of `Estimator.predict()`: one model_fn call per batch, then plain values per example.
 * Owns: the hook lifecycle around each batch (the caller's hooks and the spec's `predictionHooks`) and turning a
 * batch of predictions into per-example values. Does not own: restoring the model (the Estimator does).
 */

import { type FetchedValue, type Hook, HookList, type RunContext, type SessionContext } from '@estimatorjs/hooks';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../errors.js';
import { type PredictEstimatorSpec, type Predictions, validateSpec } from '../estimator-spec.js';
import { runInContextAsync } from '../model-fn-context.js';
import { disposeElement, type InputFn, openInput, splitElement } from './input.js';
import type { LoopDeps } from './loop-deps.js';
import { readValues } from './read-values.js';
import { StepContext, StopFlag } from './step-context.js';

/**
 * One prediction: a value, or a dict of values (numbers for scalars, typed arrays otherwise), shaped as the
 * model_fn's PREDICT `predictions` (`Pred`): `{ classes: tf.Tensor }` yields `{ classes: FetchedValue }`.
 */
export type Prediction<Pred extends Predictions = Predictions> = Pred extends tf.Tensor
  ? FetchedValue
  : { -readonly [K in keyof Pred]: FetchedValue };

/** The keys `predictKeys` may name: those of a dict of predictions (none for a single tensor). */
export type PredictionKey<Pred extends Predictions = Predictions> = Pred extends tf.Tensor
  ? never
  : keyof Pred & string;

/** A prediction with only the `predictKeys` `K`. */
export type PickedPrediction<Pred extends Predictions, K extends string> = Pred extends tf.Tensor
  ? never
  : { -readonly [Q in K]: FetchedValue };

/**
 * Yields the predictions of the model in memory for every element of the input. Per batch:
 * `beforeRun → model_fn → one read (predictions and fetches) → afterRun → yield`. `end` runs when the input ends,
 * a hook requests a stop, or the consumer leaves the `for await` early (unlike TF, whose generator skips `end`
 * then); after an error, `onError` runs instead.
 */
export async function* runPrediction<P>(
  deps: LoopDeps<P>,
  inputFn: InputFn<P>,
  options: { predictKeys?: readonly string[]; yieldSingleExamples?: boolean; hooks?: readonly Hook[] },
): AsyncGenerator<Prediction> {
  const api = 'Estimator.predict()';
  const hooks = new HookList(options.hooks ?? []);
  const step = deps.model.globalStep;
  let lastValues: ReadonlyMap<string, FetchedValue> = new Map();
  const session = (): SessionContext => ({
    mode: 'infer',
    globalStep: step,
    modelDir: deps.modelDir,
    lastValues: Object.fromEntries(lastValues),
  });
  const stop = new StopFlag();
  let specHooks: HookList | null = null;
  let input: AsyncIterator<unknown> | null = null;
  let begun = false;
  let failed = false;
  try {
    begun = true;
    await hooks.begin(session());
    input = (await openInput(api, inputFn, deps.params, deps.config.randomSeed)).iterator;
    await hooks.afterCreateSession(session());
    let batches = 0;
    while (stop.reason === null) {
      const next = await input.next();
      if (next.done) break;
      const { features } = splitElement(api, next.value);
      const ctx: RunContext = new StepContext('infer', step, deps.modelDir, undefined, lastValues, stop);
      const wanted = await hooks.beforeRun(ctx);
      // The spec's hooks come from the first batch's model_fn call; from the second batch on they go before it.
      for (const n of (await specHooks?.beforeRun(ctx)) ?? []) wanted.add(n);
      let single = false;
      const outputs = new Map<string, tf.Tensor>();
      const fetched = new Map<string, tf.Tensor>();
      tf.engine().startScope();
      try {
        const mctx = deps.newContext('infer');
        const spec = validateSpec(
          await runInContextAsync(mctx, () => deps.callModelFn(features, undefined, 'infer')),
          'infer',
        ) as PredictEstimatorSpec;
        if (batches === 0 && spec.predictionHooks?.length) {
          specHooks = new HookList(spec.predictionHooks);
          await specHooks.begin(session());
          await specHooks.afterCreateSession(session());
          for (const n of await specHooks.beforeRun(ctx)) wanted.add(n);
        }
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
        if (options.yieldSingleExamples ?? true) checkBatchAxis(outputs);
        for (const n of wanted) {
          const t = mctx.named.get(n);
          if (t) fetched.set(n, tf.keep(tf.clone(t)));
        }
      } catch (e) {
        tf.dispose([...outputs.values(), ...fetched.values()]);
        throw e;
      } finally {
        tf.engine().endScope();
        disposeElement(next.value);
      }
      batches += 1;
      // One await for the batch: its predictions and every value a hook asked for.
      const [values, batch] = await Promise.all([
        readValues(fetched, new Map([['global_step', step]])),
        readPredictions(outputs),
      ]);
      lastValues = values;
      await hooks.afterRun(ctx, values);
      await specHooks?.afterRun(ctx, values);
      yield* splitPredictions(batch, single, options.yieldSingleExamples ?? true);
    }
  } catch (e) {
    failed = true;
    await specHooks?.onError(session(), e);
    await hooks.onError(session(), e);
    throw e;
  } finally {
    await input?.return?.();
    // Also on an early `break` out of the consumer's `for await`: the generator is closed here, without an error.
    if (begun && !failed) {
      await specHooks?.end(session());
      await hooks.end(session());
    }
  }
}

/** A batch of predictions read from the backend: each output's name, shape and values. */
interface ReadBatch {
  readonly entries: readonly { name: string; shape: number[]; data: tf.TypedArray }[];
}

async function readPredictions(outputs: Map<string, tf.Tensor>): Promise<ReadBatch> {
  const list = [...outputs];
  try {
    const data = await Promise.all(list.map(([, t]) => t.data()));
    return { entries: list.map(([name, t], i) => ({ name, shape: t.shape, data: data[i]! })) };
  } finally {
    tf.dispose(list.map(([, t]) => t));
  }
}

/** Checks, before anything is read, that every output can be split into examples along its first axis. */
function checkBatchAxis(outputs: ReadonlyMap<string, tf.Tensor>): void {
  const entries = [...outputs];
  const batch = entries[0]?.[1].shape[0] ?? 1;
  for (const [name, t] of entries) {
    if (t.rank === 0 || t.shape[0] !== batch) {
      throw new ConfigError(
        'INVALID_SPEC',
        `Estimator.predict(): every prediction must have the batch size ${batch} as its first axis to yield single examples; ${name || 'predictions'} has shape [${t.shape}].`,
      );
    }
  }
}

/** One prediction per example (or one for the whole batch) from a batch read off the backend. */
function* splitPredictions(batch: ReadBatch, single: boolean, perExample: boolean): Generator<Prediction> {
  const { entries } = batch;
  const pick = (d: tf.TypedArray, shape: number[], row: number | null): FetchedValue => {
    if (row === null) return d.length === 1 ? d[0]! : (d as FetchedValue);
    const per = shape.slice(1).reduce((a, b) => a * b, 1);
    const slice = d.slice(row * per, (row + 1) * per) as Float32Array | Int32Array | Uint8Array;
    return per === 1 && shape.length === 1 ? slice[0]! : slice;
  };
  const rows = perExample ? (entries[0]?.shape[0] ?? 1) : 1;
  for (let r = 0; r < rows; r++) {
    const row = perExample ? r : null;
    if (single) yield pick(entries[0]!.data, entries[0]!.shape, row);
    else yield Object.fromEntries(entries.map((e) => [e.name, pick(e.data, e.shape, row)]));
  }
}
