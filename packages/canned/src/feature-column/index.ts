export { type BucketizedColumn, bucketizedColumn } from './bucketized-column.js';
export {
  categoricalColumnWithHashBucket,
  categoricalColumnWithIdentity,
  categoricalColumnWithVocabularyList,
  type IdentityOptions,
  type KeyedCategoricalColumn,
  type VocabularyListOptions,
} from './categorical-columns.js';
export { type CrossedColumn, type CrossedColumnOptions, crossedColumn } from './crossed-column.js';
export {
  type Combiner,
  type EmbeddingColumn,
  type EmbeddingColumnOptions,
  embeddingColumn,
} from './embedding-column.js';
export type { CategoricalColumn, CategoricalIds, DenseColumn, FeatureColumn } from './feature-column.js';
export { type IndicatorColumn, indicatorColumn } from './indicator-column.js';
export { inputLayer } from './input-layer.js';
export { type LinearModelOptions, linearModel } from './linear-model.js';
export { type NumericColumn, type NumericColumnOptions, numericColumn } from './numeric-column.js';
export { sharedEmbeddingColumns } from './shared-embedding-columns.js';
export { type WeightedCategoricalColumn, weightedCategoricalColumn } from './weighted-categorical-column.js';
