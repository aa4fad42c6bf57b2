import { DEFAULTS } from '../defaults.js';
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
import { checkDnnOptions, type DnnNetworkOptions, dnnLogits } from './dnn-network.js';

/** Options of {@link DNNClassifier}. */
export interface DNNClassifierOptions extends ClassifierOptions, DnnNetworkOptions {
  /** Default `'Adagrad'` with learning rate 0.05 (TF's default). */
  readonly optimizer?: OptimizerSpec;
}

/** Options of {@link DNNRegressor}. */
export interface DNNRegressorOptions extends RegressorOptions, DnnNetworkOptions {
  /** Default `'Adagrad'` with learning rate 0.05 (TF's default). */
  readonly optimizer?: OptimizerSpec;
}

/**
 * A feed-forward network classifier (TF's `tf.estimator.DNNClassifier`), with TF's head, defaults and variable
 * names (`dnn/hiddenlayer_0/kernel`, `dnn/logits/kernel`).
 * @example
 *   const est = new DNNClassifier({ featureColumns: [age, featureColumn.indicatorColumn(color)], hiddenUnits: [16, 8], nClasses: 3 });
 *   await est.train(inputFn, { steps: 200 });
 */
export class DNNClassifier extends CannedEstimator {
  constructor(options: DNNClassifierOptions) {
    const api = 'new DNNClassifier()';
    checkOptionKeys(api, options, KNOWN_OPTIONS.dnnClassifier);
    checkDnnOptions(api, options);
    const head = classifierHead(api, options);
    const optimizer = resolveOptimizer(api, options.optimizer, 'Adagrad', DEFAULTS.dnnLearningRate);
    super(
      estimatorOptions(
        headModelFn(head, optimizer, (f, mode, units) => dnnLogits(f, mode, units, options)),
        options,
      ),
      options.featureColumns,
    );
  }
}

/**
 * A feed-forward network regressor (TF's `tf.estimator.DNNRegressor`).
 * @example
 *   const est = new DNNRegressor({ featureColumns: [featureColumn.numericColumn('x')], hiddenUnits: [8] });
 */
export class DNNRegressor extends CannedEstimator {
  constructor(options: DNNRegressorOptions) {
    const api = 'new DNNRegressor()';
    checkOptionKeys(api, options, KNOWN_OPTIONS.dnnRegressor);
    checkDnnOptions(api, options);
    const head = regressorHead(options);
    const optimizer = resolveOptimizer(api, options.optimizer, 'Adagrad', DEFAULTS.dnnLearningRate);
    super(
      estimatorOptions(
        headModelFn(head, optimizer, (f, mode, units) => dnnLogits(f, mode, units, options)),
        options,
      ),
      options.featureColumns,
    );
  }
}
