import { type Features, variableScope } from '@estimatorjs/estimator';
import type * as tf from '@tensorflow/tfjs-core';
import { DEFAULTS, linearLearningRate } from '../defaults.js';
import type { FeatureColumn } from '../feature-column/feature-column.js';
import { sortedColumns } from '../feature-column/input-layer.js';
import { linearModel } from '../feature-column/linear-model.js';
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

/** The linear part's options. */
export interface LinearOptions {
  readonly featureColumns: readonly FeatureColumn[];
  /** Default `'Ftrl'` with learning rate `min(0.2, 1/sqrt(columns))` (TF's default). */
  readonly optimizer?: OptimizerSpec;
}

/** TF's linear logits: `linear/linear_model/<column>/weights`, `linear/linear_model/bias_weights`. */
export function linearLogits(features: Features, units: number, columns: readonly FeatureColumn[]): tf.Tensor2D {
  return variableScope('linear', () => linearModel(features, columns, { units }));
}

function linearOptimizer(api: string, o: LinearOptions) {
  sortedColumns(api, o.featureColumns);
  const lr = linearLearningRate(DEFAULTS.linearLearningRate, o.featureColumns.length);
  return resolveOptimizer(api, o.optimizer, 'Ftrl', lr);
}

/**
 * A linear classifier (TF's `tf.estimator.LinearClassifier`): logistic regression for 2 classes, softmax above.
 * @example
 *   const est = new LinearClassifier({ featureColumns: [age, color], nClasses: 2 });
 */
export class LinearClassifier extends CannedEstimator {
  constructor(options: ClassifierOptions & LinearOptions) {
    const api = 'new LinearClassifier()';
    checkOptionKeys(api, options, KNOWN_OPTIONS.linearClassifier);
    const optimizer = linearOptimizer(api, options);
    const head = classifierHead(api, options);
    super(
      estimatorOptions(
        headModelFn(head, optimizer, (f, _mode, units) => linearLogits(f, units, options.featureColumns)),
        options,
      ),
      options.featureColumns,
    );
  }
}

/**
 * A linear regressor (TF's `tf.estimator.LinearRegressor`).
 * @example
 *   const est = new LinearRegressor({ featureColumns: [featureColumn.numericColumn('x')] });
 */
export class LinearRegressor extends CannedEstimator {
  constructor(options: RegressorOptions & LinearOptions) {
    const api = 'new LinearRegressor()';
    checkOptionKeys(api, options, KNOWN_OPTIONS.linearRegressor);
    const optimizer = linearOptimizer(api, options);
    const head = regressorHead(options);
    super(
      estimatorOptions(
        headModelFn(head, optimizer, (f, _mode, units) => linearLogits(f, units, options.featureColumns)),
        options,
      ),
      options.featureColumns,
    );
  }
}
