// Type tests (vitest typecheck): a model_fn typed once carries its features, labels and predictions through the
// Estimator without casts, untyped model_fns keep compiling, and option objects take only their literal values.
import { Dataset } from '@estimatorjs/data';
import type { FetchedValue } from '@estimatorjs/hooks';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import {
  AdamOptimizer,
  Estimator,
  type EstimatorSpec,
  type FeaturesOf,
  type InputFn,
  type LabelsOf,
  layers,
  losses,
  ModeKeys,
  type ModelFn,
  metrics,
  type Prediction,
  RunConfig,
} from './index.js';

const xs = tf.zeros([8, 2]);
const ys = tf.zeros([8], 'int32');
const trainInputFn = () =>
  Dataset.fromTensorSlices([{ point: xs }, ys])
    .batch(4)
    .repeat();
const predictInputFn = () => Dataset.fromTensorSlices({ point: xs }).batch(4);

type Params = { readonly learningRate: number };
type Preds = { classes: tf.Tensor; probabilities: tf.Tensor };

// No cast anywhere: `features.point` and `labels` are tensors, `params.learningRate` a number.
const modelFn: ModelFn<Params, { point: tf.Tensor }, tf.Tensor, Preds> = (features, labels, mode, params) => {
  const logits = layers.dense(features.point, 2, { name: 'logits' });
  const classes = tf.argMax(logits, 1);
  if (mode === ModeKeys.PREDICT) return { mode, predictions: { classes, probabilities: tf.softmax(logits) } };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
  if (mode === ModeKeys.EVAL) return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels, classes) } };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: params.learningRate }).minimize(loss) };
};

describe('ModelFn', () => {
  it('types the parameters from its type arguments', () => {
    expectTypeOf(modelFn).parameter(0).toEqualTypeOf<{ point: tf.Tensor }>();
    expectTypeOf(modelFn).parameter(1).toEqualTypeOf<tf.Tensor>();
    expectTypeOf(modelFn).parameter(2).toEqualTypeOf<'train' | 'eval' | 'infer'>();
    expectTypeOf(modelFn).parameter(3).toEqualTypeOf<Params>();
    expectTypeOf(modelFn).parameter(4).toEqualTypeOf<RunConfig>();
  });

  it('rejects a PREDICT spec whose predictions do not match Pred', () => {
    // @ts-expect-error: `classes` is missing from the predictions.
    const bad: ModelFn<Params, tf.Tensor, tf.Tensor, Preds> = (features, _labels, mode) => {
      if (mode === ModeKeys.PREDICT) return { mode, predictions: { probabilities: features } };
      throw new Error('unused');
    };
    expectTypeOf(bad).not.toBeAny();
  });

  it('rejects a dict feature used as a tensor', () => {
    const bad: ModelFn<unknown, { point: tf.Tensor }> = (features, labels, mode) => {
      // @ts-expect-error: a dict of features is not a tensor; pick features.point.
      const y = layers.dense(features, 1);
      if (mode === ModeKeys.PREDICT) return { mode, predictions: y };
      const loss = losses.meanSquaredError({ labels: labels as tf.Tensor, predictions: y });
      return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.1 }).minimize(loss) };
    };
    expectTypeOf(bad).not.toBeAny();
  });

  it('keeps untyped model_fns compiling: no type arguments, fewer parameters, explicit wide parameter types', () => {
    const wide: ModelFn = (features, labels, mode) => {
      const y = layers.dense(features as tf.Tensor, 1);
      if (mode === 'infer') return { mode, predictions: y };
      const loss = losses.meanSquaredError({ labels: labels as tf.Tensor, predictions: y });
      return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.1 }).minimize(loss) };
    };
    const one: ModelFn<{ n: number }> = (features) => ({ mode: 'infer', predictions: features as tf.Tensor });
    function declared(
      features: tf.Tensor | Readonly<Record<string, tf.Tensor>>,
      labels: tf.Tensor | Readonly<Record<string, tf.Tensor>> | undefined,
      mode: 'train' | 'eval' | 'infer',
    ): EstimatorSpec {
      if (mode === 'infer' || labels === undefined) return { mode: 'infer', predictions: features };
      const loss = tf.mean(labels as tf.Tensor) as tf.Scalar;
      return { mode: 'eval', loss };
    }
    const asModelFn: ModelFn = declared;
    for (const fn of [wide, one, asModelFn]) expectTypeOf(fn).toBeFunction();
    const est = new Estimator({ modelFn: wide });
    expectTypeOf(est).toEqualTypeOf<Estimator<unknown>>();
  });
});

describe('FeaturesOf / LabelsOf', () => {
  it('reads the features and labels of an input_fn from its Dataset element type', () => {
    expectTypeOf<FeaturesOf<typeof trainInputFn>>().toEqualTypeOf<{ point: tf.Tensor }>();
    expectTypeOf<LabelsOf<typeof trainInputFn>>().toEqualTypeOf<tf.Tensor>();
    expectTypeOf<FeaturesOf<typeof predictInputFn>>().toEqualTypeOf<{ point: tf.Tensor }>();
    expectTypeOf<LabelsOf<typeof predictInputFn>>().toEqualTypeOf<undefined>();
    const asyncInputFn = async () => Dataset.fromTensorSlices([xs, ys]).batch(4);
    expectTypeOf<FeaturesOf<typeof asyncInputFn>>().toEqualTypeOf<tf.Tensor>();
  });

  it('types a model_fn from the input pipeline', () => {
    const fromPipeline: ModelFn<
      Params,
      FeaturesOf<typeof trainInputFn>,
      LabelsOf<typeof trainInputFn>,
      { y: tf.Tensor }
    > = (features, labels, mode) => {
      const y = layers.dense(features.point, 1);
      if (mode === ModeKeys.PREDICT) return { mode, predictions: { y } };
      const loss = losses.meanSquaredError({ labels, predictions: y });
      return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.1 }).minimize(loss) };
    };
    expectTypeOf(fromPipeline).parameter(0).toEqualTypeOf<{ point: tf.Tensor }>();
  });
});

describe('Estimator', () => {
  const estimator = new Estimator({
    modelFn,
    params: { learningRate: 0.05 },
    config: new RunConfig({ modelDir: 'typed' }),
  });

  it('infers its type arguments from the model_fn', () => {
    expectTypeOf(estimator).toEqualTypeOf<Estimator<Params, { point: tf.Tensor }, tf.Tensor, Preds>>();
  });

  it('types predict() from the model_fn predictions: p.classes type-checks', async () => {
    for await (const p of estimator.predict(predictInputFn)) {
      expectTypeOf(p).toEqualTypeOf<{ classes: FetchedValue; probabilities: FetchedValue }>();
      expectTypeOf(p.classes).toEqualTypeOf<FetchedValue>();
      // @ts-expect-error: the model_fn predicts no `logits`.
      p.logits;
    }
  });

  it('with predictKeys, yields just those keys, and only keys the model_fn predicts', async () => {
    for await (const p of estimator.predict(predictInputFn, { predictKeys: ['classes'] })) {
      expectTypeOf(p).toEqualTypeOf<{ classes: FetchedValue }>();
    }
    // @ts-expect-error: the model_fn predicts no `logits`.
    estimator.predict(predictInputFn, { predictKeys: ['logits'] });
    const wide = new Estimator({ modelFn: (f) => ({ mode: 'infer', predictions: { y: f as tf.Tensor } }) });
    for await (const p of wide.predict(predictInputFn, { predictKeys: ['y'] })) {
      expectTypeOf(p).toEqualTypeOf<{ y: FetchedValue }>();
    }
  });

  it('yields one value per example for a single-tensor prediction, and the wide shape by default', () => {
    expectTypeOf<Prediction<tf.Tensor>>().toEqualTypeOf<FetchedValue>();
    expectTypeOf<Prediction>().toEqualTypeOf<FetchedValue | { [key: string]: FetchedValue }>();
  });

  it('checks input_fns against the model_fn features and labels', async () => {
    await estimator.train(trainInputFn, { steps: 1 });
    await estimator.evaluate(trainInputFn);
    const wrongKey = () => Dataset.fromTensorSlices([{ pt: xs }, ys]).batch(4);
    // @ts-expect-error: the model_fn reads features.point; this input_fn yields { pt }.
    await estimator.train(wrongKey, { steps: 1 });
    const plainTensor = () => Dataset.fromTensorSlices([xs, ys]).batch(4);
    // @ts-expect-error: the model_fn wants a dict of features, not a tensor.
    await estimator.evaluate(plainTensor);
    const wide: InputFn = () => Dataset.fromTensorSlices([xs, ys]).batch(4);
    await new Estimator({ modelFn: (f) => ({ mode: 'infer', predictions: f as tf.Tensor }) }).train(wide);
  });

  it('is usable wherever any Estimator<P> is asked for (experiment, export)', () => {
    const takesAny = (e: Estimator<Params>) => e.modelDir;
    expectTypeOf(takesAny).toBeCallableWith(estimator);
  });
});

describe('option objects are literal types', () => {
  it('rejects values outside the documented ones', () => {
    const x = tf.zeros([1, 4, 4, 1]);
    layers.conv2d(x, 1, 3, { padding: 'same', activation: 'relu' });
    // @ts-expect-error: padding is 'valid' | 'same'.
    layers.conv2d(x, 1, 3, { padding: 'full' });
    // @ts-expect-error: not an activation.
    layers.dense(x, 1, { activation: 'relux' });
    // @ts-expect-error: not a reduction.
    losses.meanSquaredError({ labels: x, predictions: x, reduction: 'mean' });
    // @ts-expect-error: options are checked for unknown keys too (typo of learningRate).
    new AdamOptimizer({ learningrate: 0.1 });
    expectTypeOf(new RunConfig({ modelDir: 'm' }).modelDir).toEqualTypeOf<string | undefined>();
  });
});
