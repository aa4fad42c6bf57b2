/**
 * The model_fn's type: what it receives (features, labels, mode, params, config) and what it returns, generic in
 * the params, the features and labels the input_fns yield and the predictions it makes, so that a typed model_fn
 * needs no casts and `estimator.predict()` yields typed values. Does not own: calling it (the loops) or checking
 * what it returned at run time (`validateSpec`).
 */
import type { Mode } from '@estimatorjs/hooks';
import type { EstimatorSpec, Predictions } from './estimator-spec.js';
import type { Features, Labels } from './internal/input.js';
import type { RunConfig } from './run-config.js';

// A method's type is compared bivariantly in its parameters: an Estimator of a model_fn with narrow features
// (`{ point: tf.Tensor }`) stays usable where any `Estimator<P>` is asked for (trainAndEvaluate, exporters).
// Plain positional parameters rather than one tuple per mode: TypeScript would narrow `labels` on `mode` with a
// union of tuples, but then a model_fn that declares fewer parameters, `(features, labels, mode) => …`, no longer
// type-checks.
interface ModelFnSignature<P, F extends Features, L extends Labels, Pred extends Predictions> {
  modelFn(
    features: F,
    labels: L,
    mode: Mode,
    params: P,
    config: RunConfig,
  ): EstimatorSpec<Pred> | Promise<EstimatorSpec<Pred>>;
}

/**
 * TF's model_fn: builds the model for one batch and says what to do with it. `P` is the params, `F` and `L` the
 * features and labels the input_fns yield (a tensor or a dict of tensors; see {@link FeaturesOf}), `Pred` the
 * predictions it returns in PREDICT (what `estimator.predict()` yields, as numbers and typed arrays). Every type
 * argument has a default, so `ModelFn` alone types any model_fn. As in TF, `labels` is `undefined` in PREDICT
 * (the Estimator makes sure TRAIN and EVAL inputs carry them): return the PREDICT spec before reading `labels`.
 *
 * @example
 * ```ts
 * import { layers, losses, ModeKeys, type ModelFn, GradientDescentOptimizer } from '@estimatorjs/estimator';
 * import * as tf from '@tensorflow/tfjs-core';
 * const modelFn: ModelFn<{ lr: number }, { x: tf.Tensor }, tf.Tensor, { y: tf.Tensor }> = (features, labels, mode, params) => {
 *   const y = layers.dense(features.x, 1, { name: 'linear' });
 *   if (mode === ModeKeys.PREDICT) return { mode, predictions: { y } };
 *   const loss = losses.meanSquaredError({ labels, predictions: y });
 *   return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: params.lr }).minimize(loss) };
 * };
 * ```
 */
export type ModelFn<
  P = unknown,
  F extends Features = Features,
  L extends Labels = Labels,
  Pred extends Predictions = Predictions,
> = ModelFnSignature<P, F, L, Pred>['modelFn'];

/** The element an input_fn's Dataset (or async iterable) yields, promise and all unwrapped. */
type ElementOf<IF> = IF extends (...args: never[]) => infer R
  ? Awaited<R> extends AsyncIterable<infer E>
    ? E
    : never
  : never;

/**
 * The features an input_fn yields: `F` of its `[F, L]` elements (or the element itself for a features-only
 * input_fn). Types a model_fn from the input pipeline: `ModelFn<P, FeaturesOf<typeof trainInputFn>, …>`.
 *
 * @example
 * ```ts
 * import { Dataset } from '@estimatorjs/data';
 * import type { FeaturesOf } from '@estimatorjs/estimator';
 * import * as tf from '@tensorflow/tfjs-core';
 * const inputFn = () => Dataset.fromTensorSlices([{ x: tf.zeros([4, 2]) }, tf.zeros([4])]).batch(2);
 * type F = FeaturesOf<typeof inputFn>; // { x: tf.Tensor }
 * ```
 */
export type FeaturesOf<IF> = ElementOf<IF> extends readonly [infer F, unknown] ? F : ElementOf<IF>;

/**
 * The labels an input_fn yields: `L` of its `[F, L]` elements (`undefined` for a features-only input_fn).
 *
 * @example
 * ```ts
 * import { Dataset } from '@estimatorjs/data';
 * import type { LabelsOf } from '@estimatorjs/estimator';
 * import * as tf from '@tensorflow/tfjs-core';
 * const inputFn = () => Dataset.fromTensorSlices([{ x: tf.zeros([4, 2]) }, tf.zeros([4])]).batch(2);
 * type L = LabelsOf<typeof inputFn>; // tf.Tensor
 * ```
 */
export type LabelsOf<IF> = ElementOf<IF> extends readonly [unknown, infer L] ? L : undefined;

/**
 * Calls a model_fn with arguments the loops only know as the wide types (the Estimator checks the input at run time;
 * the type arguments are the caller's promise about it).
 */
export function callModelFn<P, F extends Features, L extends Labels, Pred extends Predictions>(
  modelFn: ModelFn<P, F, L, Pred>,
  features: Features,
  labels: Labels | undefined,
  mode: Mode,
  params: P,
  config: RunConfig,
): EstimatorSpec<Pred> | Promise<EstimatorSpec<Pred>> {
  return (modelFn as (...args: unknown[]) => EstimatorSpec<Pred> | Promise<EstimatorSpec<Pred>>)(
    features,
    labels,
    mode,
    params,
    config,
  );
}
