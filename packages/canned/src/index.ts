export { CannedError } from './errors.js';
export { BaselineClassifier, type BaselineOptions, BaselineRegressor } from './estimators/baseline.js';
export type { ClassifierOptions, CommonOptions, RegressorOptions } from './estimators/common.js';
export { DNNClassifier, type DNNClassifierOptions, DNNRegressor, type DNNRegressorOptions } from './estimators/dnn.js';
export {
  DNNLinearCombinedClassifier,
  type DNNLinearCombinedOptions,
  DNNLinearCombinedRegressor,
} from './estimators/dnn-linear-combined.js';
export type { DnnNetworkOptions } from './estimators/dnn-network.js';
export { LinearClassifier, type LinearOptions, LinearRegressor } from './estimators/linear.js';
/** TF's `tf.feature_column`: the columns that turn raw features into model inputs (`featureColumn.numericColumn('age')`, …). */
export * as featureColumn from './feature-column/index.js';
export { type BinaryHeadOptions, binaryClassificationHead } from './heads/binary-head.js';
export type { Head, HeadArgs, HeadOptions, LossReduction } from './heads/head.js';
export { type MultiClassHeadOptions, multiClassHead } from './heads/multi-class-head.js';
export { type RegressionHeadOptions, regressionHead } from './heads/regression-head.js';
export type { OptimizerName, OptimizerSpec } from './optimizer-by-name.js';
