export type { Activation } from './activation.js';
export { type BatchNormalizationOptions, batchNormalization } from './batch-normalization.js';
export { type Conv1dOptions, conv1d } from './conv1d.js';
export { type Conv2dOptions, conv2d } from './conv2d.js';
export { type Conv2dTransposeOptions, conv2dTranspose } from './conv2d-transpose.js';
export { type Conv3dOptions, conv3d } from './conv3d.js';
export { type DenseOptions, dense } from './dense.js';
export { type DropoutOptions, dropout } from './dropout.js';
export { type EmbeddingOptions, embedding } from './embedding.js';
export type { ConvCommonOptions } from './internal/conv-layer.js';
export type { DataFormat } from './internal/data-format.js';
export type { PoolingOptions } from './internal/pool.js';
export { averagePooling2d, flatten, maxPooling2d } from './pooling.js';
export { averagePooling1d, averagePooling3d, maxPooling1d, maxPooling3d } from './pooling-1d-3d.js';
export { type Regularizer, regularizers } from './regularizers.js';
export {
  type DepthwiseConv2dOptions,
  depthwiseConv2d,
  type SeparableConv2dOptions,
  separableConv2d,
} from './separable-conv2d.js';
