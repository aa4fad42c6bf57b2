/**
 * The option names each public options object of @estimatorjs/canned accepts, one list per interface, held by
 * `keysOf` so the compiler refuses a list that misses a field. Owns: refusing unknown option keys (TF's
 * `hidden_units` names `hiddenUnits`) so a misspelled option is never silently ignored. Does not own: the values.
 */
import { checkKnownKeys, keysOf } from '@estimatorjs/errors';
import { CannedError } from '../errors.js';
import type { BaselineOptions } from '../estimators/baseline.js';
import type { ClassifierOptions, CommonOptions, RegressorOptions } from '../estimators/common.js';
import type { DNNClassifierOptions, DNNRegressorOptions } from '../estimators/dnn.js';
import type { DNNLinearCombinedOptions } from '../estimators/dnn-linear-combined.js';
import type { LinearOptions } from '../estimators/linear.js';
import type { IdentityOptions, VocabularyListOptions } from '../feature-column/categorical-columns.js';
import type { CrossedColumnOptions } from '../feature-column/crossed-column.js';
import type { EmbeddingColumnOptions } from '../feature-column/embedding-column.js';
import type { LinearModelOptions } from '../feature-column/linear-model.js';
import type { NumericColumnOptions } from '../feature-column/numeric-column.js';
import type { BinaryHeadOptions } from '../heads/binary-head.js';
import type { MultiClassHeadOptions } from '../heads/multi-class-head.js';
import type { RegressionHeadOptions } from '../heads/regression-head.js';

// The premade estimators' options are a head part (common + classifier or regressor) and a model part; each part's
// list is held against its own interface, and each estimator's list is the two joined.
const common = keysOf<CommonOptions>()(['config', 'warmStartFrom', 'weightColumn', 'lossReduction', 'log']);
const classifier = [
  ...common,
  ...keysOf<Omit<ClassifierOptions, keyof CommonOptions>>()(['nClasses', 'labelVocabulary']),
];
const regressor = [...common, ...keysOf<Omit<RegressorOptions, keyof CommonOptions>>()(['labelDimension'])];
const baseline = keysOf<BaselineOptions>()(['optimizer']);
const linear = keysOf<LinearOptions>()(['featureColumns', 'optimizer']);
// One model part for both DNN estimators, held against each of their interfaces.
const dnnKeys = ['hiddenUnits', 'featureColumns', 'activationFn', 'dropout', 'batchNorm', 'optimizer'] as const;
const dnn = keysOf<Omit<DNNClassifierOptions, keyof ClassifierOptions>>()(dnnKeys);
keysOf<Omit<DNNRegressorOptions, keyof RegressorOptions>>()(dnnKeys);
const dnnLinearCombined = keysOf<DNNLinearCombinedOptions>()([
  'linearFeatureColumns',
  'dnnFeatureColumns',
  'dnnHiddenUnits',
  'dnnActivationFn',
  'dnnDropout',
  'batchNorm',
  'linearOptimizer',
  'dnnOptimizer',
]);

export const KNOWN_OPTIONS = {
  baselineClassifier: [...classifier, ...baseline],
  baselineRegressor: [...regressor, ...baseline],
  linearClassifier: [...classifier, ...linear],
  linearRegressor: [...regressor, ...linear],
  dnnClassifier: [...classifier, ...dnn],
  dnnRegressor: [...regressor, ...dnn],
  dnnLinearCombinedClassifier: [...classifier, ...dnnLinearCombined],
  dnnLinearCombinedRegressor: [...regressor, ...dnnLinearCombined],
  numericColumn: keysOf<NumericColumnOptions>()(['shape', 'defaultValue', 'normalizerFn']),
  vocabularyList: keysOf<VocabularyListOptions>()(['defaultValue', 'numOovBuckets']),
  identity: keysOf<IdentityOptions>()(['defaultValue']),
  crossedColumn: keysOf<CrossedColumnOptions>()(['hashKey']),
  embeddingColumn: keysOf<EmbeddingColumnOptions>()(['combiner', 'initializer', 'trainable']),
  linearModel: keysOf<LinearModelOptions>()(['units']),
  binaryHead: keysOf<BinaryHeadOptions>()(['weightColumn', 'lossReduction', 'labelVocabulary']),
  multiClassHead: keysOf<MultiClassHeadOptions>()(['weightColumn', 'lossReduction', 'labelVocabulary']),
  regressionHead: keysOf<RegressionHeadOptions>()(['weightColumn', 'lossReduction', 'labelDimension']),
} as const;

/**
 * Throws one CannedError unless `options` is undefined or an object holding only `known` keys; the message names the
 * API, the key and the nearest known one. Codes: `UNKNOWN_OPTION`, `INVALID_ARGUMENT` (not an object).
 */
export function checkOptionKeys(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(
    api,
    options,
    known,
    (code, message) => new CannedError(code === 'INVALID_OPTIONS' ? 'INVALID_ARGUMENT' : code, message),
  );
}
