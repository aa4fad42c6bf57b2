export type { CacheStorage, CacheWriter } from './cache-storage.js';
export type { CsvDefault, CsvOptions } from './csv.js';
export { csvDataset, textLineDataset } from './csv.js';
export { Dataset } from './dataset.js';
export type {
  Batched,
  BatchOptions,
  CacheOptions,
  GeneratorOptions,
  InterleaveOptions,
  MapOptions,
  PaddedBatchOptions,
  ShuffleOptions,
  Sliced,
  SliceInput,
  SliceLeaf,
  WindowOptions,
} from './dataset-types.js';
export { DataError, OutOfRangeError } from './errors.js';
export type {
  ExampleFeatureSpec,
  Feature,
  FeatureDtype,
  FixedLenFeature,
  FixedLenSequenceFeature,
  SerializedRecord,
  SparseFeature,
  SparseValues,
  VarLenFeature,
} from './example.js';
export {
  encodeExample,
  fixedLenFeature,
  fixedLenSequenceFeature,
  parseExample,
  parseSingleExample,
  sparseFeature,
  varLenFeature,
} from './example.js';
export type { FixedLengthRecordOptions } from './fixed-length-record.js';
export { fixedLengthRecordDataset } from './fixed-length-record.js';
export type { IdxData, IdxDtype } from './idx.js';
export { decodeIdx, parseIdx } from './idx.js';
export type { IndexedDbCacheOptions } from './indexed-db-cache-storage.js';
export { indexedDbCacheStorage } from './indexed-db-cache-storage.js';
export type { PaddedShape } from './internal/padded-batch.js';
export type { FeedValue, NumericArray } from './internal/slice-source.js';
export type { TensorSpec } from './internal/sources.js';
export type { Feed, IterableSource, IteratorState } from './iterator.js';
export { DatasetIterator, InitializableIterator } from './iterator.js';
export type { CsvBatch, CsvColumnDefault, CsvDtype, MakeCsvDatasetOptions } from './make-csv-dataset.js';
export { makeCsvDataset } from './make-csv-dataset.js';
export type { PlaceholderDtype, PlaceholderOptions } from './placeholder.js';
export { Placeholder, placeholder } from './placeholder.js';
export { FeedableIterator, Iterator, ReinitializableIterator } from './reinitializable-iterator.js';
export type { ParsedSequenceExample, SequenceExampleInput, SequenceExampleSpecs } from './sequence-example.js';
export { encodeSequenceExample, parseSingleSequenceExample } from './sequence-example.js';
export type { ByteSource, CompressionType, RecordSources, TFRecordOptions } from './tfrecord.js';
export { decodeTFRecords, encodeTFRecords, tfRecordDataset } from './tfrecord.js';
