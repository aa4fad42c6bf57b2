import { Estimator, type Features, type layers, type Mode } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULTS } from '../defaults.js';
import { CannedError } from '../errors.js';
import type { FeatureColumn } from '../feature-column/feature-column.js';
import { type OptimizerSpec, resolveOptimizer } from '../optimizer-by-name.js';
import { type ClassifierOptions, classifierHead, headModelFn, type RegressorOptions, regressorHead } from './common.js';
import { checkDnnOptions, dnnLogits } from './dnn-network.js';
import { linearLogits } from './linear.js';

/** Options of the wide-and-deep estimators (TF's names). */
export interface DNNLinearCombinedOptions {
  /** The "wide" part's columns (any kind; categorical ones need no wrapping). */
  readonly linearFeatureColumns?: readonly FeatureColumn[];
  /** The "deep" part's columns (dense ones: numeric, indicator, embedding, bucketized). */
  readonly dnnFeatureColumns?: readonly FeatureColumn[];
  readonly dnnHiddenUnits?: readonly number[];
  readonly dnnActivationFn?: layers.Activation;
  readonly dnnDropout?: number;
  readonly batchNorm?: boolean;
  /**
   * TF trains the two parts with two optimizers (Ftrl for linear, Adagrad for dnn). The Estimator applies one
   * optimizer per train step, so here one optimizer trains both: `dnnOptimizer` if given, else `linearOptimizer`,
   * else Adagrad at TF's dnn rate 0.001. Giving two different ones is an error.
   */
  readonly linearOptimizer?: OptimizerSpec;
  readonly dnnOptimizer?: OptimizerSpec;
}

/** Checks the options and returns the model parts and the one optimizer. */
function setUp(api: string, o: DNNLinearCombinedOptions) {
  const linear = o.linearFeatureColumns ?? [];
  const dnn = o.dnnFeatureColumns ?? [];
  if (linear.length === 0 && dnn.length === 0) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: give linearFeatureColumns, dnnFeatureColumns or both. Received neither.`,
    );
  }
  if (dnn.length > 0)
    checkDnnOptions(api, { hiddenUnits: o.dnnHiddenUnits ?? [], featureColumns: dnn, dropout: o.dnnDropout });
  if (o.linearOptimizer !== undefined && o.dnnOptimizer !== undefined && o.linearOptimizer !== o.dnnOptimizer) {
    throw new CannedError(
      'ONE_OPTIMIZER',
      `${api}: one optimizer trains both parts in estimator-js (the Estimator applies one per step). Received linearOptimizer and dnnOptimizer that differ; pass only dnnOptimizer.`,
    );
  }
  const optimizer = resolveOptimizer(
    api,
    o.dnnOptimizer ?? o.linearOptimizer,
    'Adagrad',
    DEFAULTS.combinedDnnLearningRate,
  );
  const logits = (features: Features, mode: Mode, units: number): tf.Tensor2D => {
    const parts: tf.Tensor2D[] = [];
    if (dnn.length > 0) {
      parts.push(
        dnnLogits(features, mode, units, {
          featureColumns: dnn,
          hiddenUnits: o.dnnHiddenUnits ?? [],
          activationFn: o.dnnActivationFn,
          dropout: o.dnnDropout,
          batchNorm: o.batchNorm,
        }),
      );
    }
    if (linear.length > 0) parts.push(linearLogits(features, units, linear));
    if (parts.length === 1) return parts[0]!;
    const sum = tf.add(parts[0]!, parts[1]!) as tf.Tensor2D;
    tf.dispose(parts);
    return sum;
  };
  return { optimizer, logits };
}

/**
 * Wide-and-deep classification (TF's `tf.estimator.DNNLinearCombinedClassifier`): the logits of a linear model and
 * of a DNN, added; variables `linear/linear_model/...` and `dnn/...` as TF names them.
 * @example
 *   const est = new DNNLinearCombinedClassifier({
 *     linearFeatureColumns: [occupation], dnnFeatureColumns: [age, featureColumn.embeddingColumn(occupation, 8)],
 *     dnnHiddenUnits: [32, 16],
 *   });
 */
export class DNNLinearCombinedClassifier extends Estimator {
  constructor(options: ClassifierOptions & DNNLinearCombinedOptions) {
    const api = 'new DNNLinearCombinedClassifier()';
    const { optimizer, logits } = setUp(api, options);
    super({
      modelFn: headModelFn(classifierHead(api, options), optimizer, logits),
      config: options.config,
      warmStartFrom: options.warmStartFrom,
      log: options.log,
    });
  }
}

/**
 * Wide-and-deep regression (TF's `tf.estimator.DNNLinearCombinedRegressor`).
 * @example
 *   const x = featureColumn.numericColumn('x');
 *   const est = new DNNLinearCombinedRegressor({ linearFeatureColumns: [x], dnnFeatureColumns: [x], dnnHiddenUnits: [8] });
 */
export class DNNLinearCombinedRegressor extends Estimator {
  constructor(options: RegressorOptions & DNNLinearCombinedOptions) {
    const api = 'new DNNLinearCombinedRegressor()';
    const { optimizer, logits } = setUp(api, options);
    super({
      modelFn: headModelFn(regressorHead(options), optimizer, logits),
      config: options.config,
      warmStartFrom: options.warmStartFrom,
      log: options.log,
    });
  }
}
