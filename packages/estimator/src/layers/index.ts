export type { Activation } from './activation.js';
export { type BatchNormalizationOptions, batchNormalization } from './batch-normalization.js';
export { type Conv2dOptions, conv2d } from './conv2d.js';
export { type DenseOptions, dense } from './dense.js';
export { type DropoutOptions, dropout } from './dropout.js';
export { type EmbeddingOptions, embedding } from './embedding.js';
export { averagePooling2d, flatten, maxPooling2d } from './pooling.js';
export { type Regularizer, regularizers } from './regularizers.js';
