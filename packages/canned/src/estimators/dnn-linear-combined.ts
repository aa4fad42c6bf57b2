import { type Features, group, type layers, type Mode, type TrainOp } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULTS, linearLearningRate } from '../defaults.js';
import { CannedError } from '../errors.js';
import type { FeatureColumn } from '../feature-column/feature-column.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { type OptimizerSpec, resolveOptimizer } from '../optimizer-by-name.js';
import { CannedEstimator } from './canned-estimator.js';
import {
  type ClassifierOptions,
  classifierHead,
  estimatorOptions,
  headModelFn,
  type RegressorOptions,
  regressorHead,
} from './common.js';
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
  /** Trains the `linear/` variables (TF's default `'Ftrl'` at `min(0.005, 1/√columns)`). */
  readonly linearOptimizer?: OptimizerSpec;
  /** Trains the `dnn/` variables (TF's default `'Adagrad'` at 0.001). */
  readonly dnnOptimizer?: OptimizerSpec;
}

/** Checks the options and returns the train op builder, the logits and the columns. */
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
  const linearOptimizer =
    linear.length > 0
      ? resolveOptimizer(
          api,
          o.linearOptimizer,
          'Ftrl',
          linearLearningRate(DEFAULTS.combinedLinearLearningRate, linear.length),
        )
      : null;
  const dnnOptimizer =
    dnn.length > 0 ? resolveOptimizer(api, o.dnnOptimizer, 'Adagrad', DEFAULTS.combinedDnnLearningRate) : null;
  if (linearOptimizer !== null && linearOptimizer === dnnOptimizer) {
    throw new CannedError(
      'SHARED_OPTIMIZER',
      `${api}: linearOptimizer and dnnOptimizer are the same instance; each part needs its own (TF keeps separate slots). Pass two optimizers, or a name for each.`,
    );
  }
  /**
   * TF's train op: the DNN optimizer on the `dnn/` variables, then the linear one on the `linear/` variables, from
   * one backward pass (the gradients are split by variable scope).
   */
  const trainOpFn = (loss: tf.Scalar): TrainOp => {
    if (dnnOptimizer === null) return linearOptimizer!.minimize(loss);
    if (linearOptimizer === null) return dnnOptimizer.minimize(loss);
    const pairs = dnnOptimizer.computeGradients(loss);
    // engine names are `<estimator scope>/<variable name>`
    const scopeOf = (name: string) => name.slice(name.indexOf('/') + 1).split('/')[0];
    return group(
      dnnOptimizer.applyGradients(pairs.filter(([, v]) => scopeOf(v.name) === 'dnn')),
      linearOptimizer.applyGradients(pairs.filter(([, v]) => scopeOf(v.name) === 'linear')),
    );
  };
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
  return { trainOpFn, logits, columns: [...linear, ...dnn] };
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
export class DNNLinearCombinedClassifier extends CannedEstimator {
  constructor(options: ClassifierOptions & DNNLinearCombinedOptions) {
    const api = 'new DNNLinearCombinedClassifier()';
    checkOptionKeys(api, options, KNOWN_OPTIONS.dnnLinearCombinedClassifier);
    const { trainOpFn, logits, columns } = setUp(api, options);
    super(estimatorOptions(headModelFn(classifierHead(api, options), trainOpFn, logits), options), columns);
  }
}

/**
 * Wide-and-deep regression (TF's `tf.estimator.DNNLinearCombinedRegressor`).
 * @example
 *   const x = featureColumn.numericColumn('x');
 *   const est = new DNNLinearCombinedRegressor({ linearFeatureColumns: [x], dnnFeatureColumns: [x], dnnHiddenUnits: [8] });
 */
export class DNNLinearCombinedRegressor extends CannedEstimator {
  constructor(options: RegressorOptions & DNNLinearCombinedOptions) {
    const api = 'new DNNLinearCombinedRegressor()';
    checkOptionKeys(api, options, KNOWN_OPTIONS.dnnLinearCombinedRegressor);
    const { trainOpFn, logits, columns } = setUp(api, options);
    super(estimatorOptions(headModelFn(regressorHead(options), trainOpFn, logits), options), columns);
  }
}
