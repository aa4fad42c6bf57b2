export type {
  Batched,
  BatchOptions,
  FeedValue,
  NumericArray,
  ShuffleOptions,
  Sliced,
  SliceInput,
  SliceLeaf,
} from './dataset.js';
export { Dataset } from './dataset.js';
export { DataError, OutOfRangeError } from './errors.js';
export type { IdxData, IdxDtype } from './idx.js';
export { decodeIdx, parseIdx } from './idx.js';
export type { Feed, IterableSource, IteratorState } from './iterator.js';
export { DatasetIterator, InitializableIterator } from './iterator.js';
export type { PlaceholderDtype, PlaceholderOptions } from './placeholder.js';
export { Placeholder, placeholder } from './placeholder.js';
