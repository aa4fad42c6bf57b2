import { type Features, getVariable, initializers, variableScope } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULTS } from '../defaults.js';
import { CannedError } from '../errors.js';
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

/** Options of the baseline estimators. */
export interface BaselineOptions {
  /** Default `'Ftrl'` with learning rate 0.3 (TF's default). */
  readonly optimizer?: OptimizerSpec;
}

/** The batch size of a features dict (its first tensor's first axis). */
function batchSize(features: Features): number {
  const first = features instanceof tf.Tensor ? features : Object.values(features)[0];
  if (!first || first.rank === 0) {
    throw new CannedError(
      'FEATURE_SHAPE',
      'Baseline: the features must hold at least one tensor with a batch axis, to know the batch size.',
    );
  }
  return first.shape[0]!;
}

/** TF's baseline logits: one learned bias per logit (`baseline/bias`), the same for every example. */
function baselineLogits(features: Features, units: number): tf.Tensor2D {
  const bias = variableScope('baseline', () =>
    getVariable('bias', { shape: [units], initializer: initializers.zeros() }),
  );
  return tf.tidy(() => tf.add(tf.zeros([batchSize(features), units]), bias) as tf.Tensor2D);
}

/**
 * Predicts the label distribution of the training data whatever the features (TF's `BaselineClassifier`): a
 * yardstick for other models.
 * @example
 *   const baseline = new BaselineClassifier({ nClasses: 3 });
 */
export class BaselineClassifier extends CannedEstimator {
  constructor(options: ClassifierOptions & BaselineOptions = {}) {
    const api = 'new BaselineClassifier()';
    checkOptionKeys(api, options, KNOWN_OPTIONS.baselineClassifier);
    const head = classifierHead(api, options);
    const optimizer = resolveOptimizer(api, options.optimizer, 'Ftrl', DEFAULTS.baselineLearningRate);
    super(
      estimatorOptions(
        headModelFn(head, optimizer, (f, _mode, units) => baselineLogits(f, units)),
        options,
      ),
      [],
    );
  }
}

/**
 * Predicts the mean label whatever the features (TF's `BaselineRegressor`).
 * @example
 *   const baseline = new BaselineRegressor();
 */
export class BaselineRegressor extends CannedEstimator {
  constructor(options: RegressorOptions & BaselineOptions = {}) {
    const api = 'new BaselineRegressor()';
    checkOptionKeys(api, options, KNOWN_OPTIONS.baselineRegressor);
    const head = regressorHead(options);
    const optimizer = resolveOptimizer(api, options.optimizer, 'Ftrl', DEFAULTS.baselineLearningRate);
    super(
      estimatorOptions(
        headModelFn(head, optimizer, (f, _mode, units) => baselineLogits(f, units)),
        options,
      ),
      [],
    );
  }
}
