export type {
  ServingInputReceiver,
  ServingInputReceiverFn,
  TracedAttrValue,
  TracedConstant,
  TracedDType,
  TracedGraph,
  TracedInput,
  TracedNode,
  TracedSignature,
  TracedTensor,
  TracedValues,
} from '@estimatorjs/estimator';
export {
  ClassificationOutput,
  ExportError,
  PredictOutput,
  placeholder,
  RegressionOutput,
} from '@estimatorjs/estimator';
export { EXPORT_MANIFEST_FILE, type ExportManifest, type ManifestTensor } from './export-manifest.js';
export {
  type BuildExportOptions,
  type BuiltExport,
  buildExport,
  type ExportSavedModelOptions,
  exportSavedModel,
  TEMP_EXPORT_PREFIX,
} from './export-saved-model.js';
export {
  type GraphModelArtifacts,
  type GraphModelJson,
  type TensorInfo,
  type WeightSpec,
  type WriteGraphModelOptions,
  writeGraphModel,
} from './graph-model/write-graph-model.js';
export { ONNX_OPSET, type WriteOnnxOptions, writeOnnx } from './onnx/write-onnx.js';
export {
  buildParsingServingInputReceiverFn,
  buildRawServingInputReceiverFn,
  type RawFeatureSpec,
} from './serving-input-receivers.js';
export { type ExportFormat, type ExportOutput, type FormatWriter, WRITERS } from './writers.js';
