export { isEstimatorError } from '@estimatorjs/errors';
export {
  type CheckpointManifest,
  latestCheckpoint,
  listVariables,
  loadVariable,
  readCheckpoint,
  readCheckpointState,
  readManifest,
  writeCheckpoint,
} from './checkpoint/checkpoint-io.js';
export { CheckpointManager, type RetentionPolicy } from './checkpoint/checkpoint-manager.js';
export { rebuildCheckpointState } from './checkpoint/checkpoint-recovery.js';
export { type CheckpointState, formatCheckpointState, parseCheckpointState } from './checkpoint/checkpoint-state.js';
export { DEFAULT_MODEL_DB, IndexedDbStorage, type IndexedDbStorageOptions } from './checkpoint/indexeddb-storage.js';
export { MemoryStorage, type ModelDirStorage, type ReadOptions } from './checkpoint/storage.js';
export { CheckpointError, ConfigError, EstimatorError, ModelFnError } from './errors.js';
export {
  Estimator,
  type EstimatorOptions,
  type EvalResults,
  type EvaluateOptions,
  type ModelFn,
  type PickedPrediction,
  type Prediction,
  type PredictionKey,
  type PredictOptions,
  type TrainOptions,
  type WarmStartFrom,
} from './estimator.js';
export type {
  EstimatorSpec,
  EvalEstimatorSpec,
  PredictEstimatorSpec,
  Predictions,
  TrainEstimatorSpec,
} from './estimator-spec.js';
export { validateSpec } from './estimator-spec.js';
export { ExportError } from './export/export-error.js';
export {
  ClassificationOutput,
  ExportOutput,
  PredictOutput,
  RegressionOutput,
} from './export/export-outputs.js';
export { placeholder } from './export/placeholder.js';
export type { ServingInputReceiver, ServingInputReceiverFn } from './export/serving-input-receiver.js';
export { TRACE_BATCH_SIZES } from './export/trace-model-fn.js';
export {
  DEFAULT_SERVING_SIGNATURE_KEY,
  type SignatureMethod,
  type TracedAttrValue,
  type TracedConstant,
  type TracedDType,
  type TracedGraph,
  type TracedInput,
  type TracedNode,
  type TracedSignature,
  type TracedTensor,
  type TracedValues,
} from './export/traced-graph.js';
export {
  HParams,
  type HParamsJsonOptions,
  type HParamsOptions,
  type HParamType,
  type HParamValue,
} from './hparams.js';
export {
  type FanMode,
  type Initializer,
  initializers,
  type VarianceScalingDistribution,
  type VarianceScalingOptions,
} from './initializers.js';
export type { Features, InputElement, InputFn, InputFnResult, Labels } from './internal/input.js';
export type { WarmStartSettings } from './internal/warm-start.js';
/** TF's `tf.layers` as functions on tensors, creating named variables on first use (`layers.dense(x, 10, { name: 'logits' })`). */
export * as layers from './layers/index.js';
export { type Regularizer, regularizers } from './layers/regularizers.js';
export {
  type CosineDecayOptions,
  type ExponentialDecayOptions,
  type LearningRateSchedule,
  learningRateSchedules,
  type PiecewiseConstantOptions,
  type PolynomialDecayOptions,
} from './learning-rate-schedules.js';
export {
  type LossOptions,
  type LossWeights,
  losses,
  Reduction,
  type ReductionKey,
  type RegressionLossOptions,
  type SigmoidCrossEntropyOptions,
  type SoftmaxCrossEntropyOptions,
  type SparseSoftmaxCrossEntropyOptions,
} from './losses/index.js';
export {
  type AtKOptions,
  type AtRateOptions,
  type AtTopKOptions,
  type AucOptions,
  type AucSummationMethod,
  type MetricOp,
  type MetricOptions,
  metrics,
  type SparseLabels,
} from './metrics/index.js';
export { type Mode, ModeKeys } from './mode-keys.js';
export type { FeaturesOf, LabelsOf } from './model-fn.js';
export { type ModelSummary, summary } from './model-summaries.js';
export {
  AdadeltaOptimizer,
  AdagradDAOptimizer,
  type AdagradDAOptions,
  AdagradOptimizer,
  AdamaxOptimizer,
  type AdamaxOptions,
  AdamOptimizer,
  type AdamOptions,
  FtrlOptimizer,
  type FtrlOptions,
  group,
  MomentumOptimizer,
  type MomentumOptions,
  ProximalAdagradOptimizer,
  type ProximalAdagradOptions,
  ProximalGradientDescentOptimizer,
  type ProximalGradientDescentOptions,
  RMSPropOptimizer,
  type RMSPropOptions,
} from './optimizers/index.js';
export {
  type ApplyGradientsOp,
  type GradAndVar,
  GradientDescentOptimizer,
  type GroupOp,
  type LearningRate,
  type MinimizeOp,
  Optimizer,
  type TrainOp,
} from './optimizers.js';
export { type RandomOptions, random } from './random.js';
export { RunConfig, type RunConfigOptions } from './run-config.js';
export { type ClusterSpec, parseTfConfig, type TaskRole, type TaskType, type TfConfig } from './tf-config.js';
export {
  type AppliedLayer,
  type LayersLayer,
  type LayersWeight,
  useLayer,
} from './tfjs-layers-adapter.js';
export type { DistributeStartContext, GradientExchange, TrainDistribute } from './train-distribute.js';
export {
  addToCollection,
  GraphKeys,
  getCollection,
  globalVariables,
  trainableVariables,
  variableName,
} from './variable-collections.js';
export { type GetVariableOptions, getVariable, nameTensor, variableScope } from './variables.js';
