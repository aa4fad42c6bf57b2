/**
 * The option objects and element types of {@link Dataset}'s public methods (split out of dataset.ts, which
 * owns the methods).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CacheStorage } from './cache-storage.js';
import type { Dataset } from './dataset.js';
import type { NumericArray } from './internal/slice-source.js';
import type { Placeholder } from './placeholder.js';

/** Options of {@link Dataset.map}. */
export interface MapOptions {
  /** How many calls of an async `fn` may run at once (default 1; `Dataset.AUTOTUNE` picks 8). */
  readonly numParallelCalls?: number;
  /** Keep the input order (default true); false yields results as they complete. */
  readonly deterministic?: boolean;
  /**
   * Promise that `fn` is pure and acts on each row along dim 0 independently, so that `fn(batch)` is the
   * batch of `fn(element)`s (elementwise math, per-row reductions over the last axes, casts). Rows from
   * `fromTensorSlices` then reach `batch()` unmapped and `fn` runs once per batch instead of once per
   * element. The first batch is checked against per-element application; a mismatch throws. Needs a
   * synchronous `fn`; ignored (per-element map) where the input is not an in-memory slice pipeline.
   */
  readonly vectorize?: boolean;
}

/** Options of {@link Dataset.paddedBatch}. */
export interface PaddedBatchOptions {
  /** Per component (in the element's structure) the padded shape; `null`/-1 dims pad to the batch maximum. */
  readonly paddedShapes?: unknown;
  /** Per component (or one number for all) the padding value. Default 0. */
  readonly paddingValues?: unknown;
  /** Drop the last, smaller batch. */
  readonly dropRemainder?: boolean;
}

/** Options of {@link Dataset.interleave}. */
export interface InterleaveOptions {
  /** How many input elements are processed at once (default 1). */
  readonly cycleLength?: number;
  /** How many consecutive elements to take from each before moving on (default 1). */
  readonly blockLength?: number;
  /**
   * Read the `cycleLength` sub-datasets concurrently with up to this many pulls in flight (default 1:
   * sequential; `Dataset.AUTOTUNE` = `cycleLength`). Useful when sub-datasets wait on I/O (files, fetch).
   */
  readonly numParallelCalls?: number;
  /** With `numParallelCalls`, keep the sequential order (default true); false takes whichever is ready. */
  readonly deterministic?: boolean;
}

/** Options of {@link Dataset.cache}. */
export interface CacheOptions {
  /** Where a `cache(path)` lives (default: files in Node, IndexedDB in the browser). */
  readonly storage?: CacheStorage;
}

/** Options of {@link Dataset.window}. */
export interface WindowOptions {
  /** Input elements between the starts of consecutive windows (default: size). */
  readonly shift?: number;
  /** Input elements between the elements of one window (default 1). */
  readonly stride?: number;
  /** Drop windows smaller than `size` at the end. */
  readonly dropRemainder?: boolean;
}

/** Options of {@link Dataset.fromGenerator}. */
export interface GeneratorOptions {
  /** The structure of each element with a {@link TensorSpec} per leaf; plain values are converted to tensors. */
  readonly outputSignature?: unknown;
}

/** A leaf `fromTensorSlices` slices along dim 0. */
export type SliceLeaf = tf.Tensor | NumericArray | readonly number[] | readonly string[] | Placeholder;

/** The input of `fromTensorSlices`: a leaf, or a nested object / array (tuple) of leaves. */
export type SliceInput = SliceLeaf | readonly SliceInput[] | { readonly [key: string]: SliceInput };

/** The element type `fromTensorSlices(x)` yields: the structure of `x` with each leaf replaced by a tensor. */
export type Sliced<X> = X extends SliceLeaf
  ? tf.Tensor
  : X extends readonly unknown[]
    ? { -readonly [K in keyof X]: Sliced<X[K]> }
    : { -readonly [K in keyof X]: Sliced<X[K]> };

/** The element type after `batch()`: every leaf becomes a tensor with a leading batch dimension. */
export type Batched<T> = T extends tf.Tensor
  ? tf.Tensor
  : T extends number | boolean | string
    ? tf.Tensor
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Batched<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Batched<T[K]> }
        : T;

/** Options of {@link Dataset.batch}. */
export interface BatchOptions {
  /** Drop the last batch when it has fewer than `n` elements (default false). */
  readonly dropRemainder?: boolean;
}

/** Options of {@link Dataset.shuffle}. */
export interface ShuffleOptions {
  /**
   * Seed for a reproducible order. Default: derived from `RunConfig.randomSeed` when the dataset is created in an
   * input_fn the Estimator calls (before the input_fn's first `await`), as TF derives op seeds from the graph seed;
   * otherwise a random seed drawn when the dataset is created.
   */
  readonly seed?: number;
  /** Draw a new order every iteration (each epoch under `repeat()`, each new iterator). Default true. */
  readonly reshuffleEachIteration?: boolean;
}

/** What {@link Dataset.scan}'s function returns: `[newState, output]`. */
export type ScanResult<S, O> = readonly [S, O];

/** Options of {@link Dataset.groupByWindow}: a constant `windowSize` or a per-key `windowSizeFunc`. */
export type GroupByWindowOptions<T, O> = {
  /** The key of an element: an integer or a scalar int tensor (TF's int64 key). */
  readonly keyFunc: (x: T) => number | tf.Tensor;
  /** Turns a key and a window (a Dataset of up to the window size elements with that key) into a dataset. */
  readonly reduceFunc: (key: number, window: Dataset<T>) => Dataset<O>;
} & (
  | { readonly windowSize: number; readonly windowSizeFunc?: undefined }
  | { readonly windowSizeFunc: (key: number) => number | tf.Tensor; readonly windowSize?: undefined }
);

/** Options of {@link Dataset.bucketBySequenceLength}. */
export interface BucketBySequenceLengthOptions<T> {
  /** The length of an element (an integer or a scalar int tensor); it picks the bucket. */
  readonly elementLengthFunc: (x: T) => number | tf.Tensor;
  /** Increasing upper length boundaries: bucket i holds lengths in [boundaries[i-1], boundaries[i]). */
  readonly bucketBoundaries: readonly number[];
  /** The batch size of each bucket: one more entry than `bucketBoundaries`. */
  readonly bucketBatchSizes: readonly number[];
  /** As in `paddedBatch`; `null`/-1 dims pad to the batch maximum (or the bucket boundary - 1, see below). */
  readonly paddedShapes?: unknown;
  /** As in `paddedBatch` (default 0). */
  readonly paddingValues?: unknown;
  /**
   * Pad the unknown dims to the bucket's boundary - 1 instead of the batch maximum (the last bucket, which has no
   * upper boundary, still pads to its batch maximum). Without `paddedShapes`, the unknown dim of each component is
   * dim 0 (the sequence axis).
   */
  readonly padToBucketBoundary?: boolean;
  /** Batch without padding (every element of a bucket must then have the same shape). */
  readonly noPadding?: boolean;
  /** Drop each bucket's last, smaller batch. */
  readonly dropRemainder?: boolean;
}

/** Options of {@link Dataset.sampleFromDatasets}. */
export interface SampleFromDatasetsOptions {
  /** Relative probability of each dataset (default: equal). Non-negative, not all zero. */
  readonly weights?: readonly number[];
  /** Seed for a reproducible draw (a fresh draw sequence every iteration). Default: random. */
  readonly seed?: number;
  /** End as soon as the drawn dataset is empty (default false: keep drawing from the others, as TF 1.x). */
  readonly stopOnEmptyDataset?: boolean;
}

/** Options of {@link Dataset.chooseFromDatasets}. */
export interface ChooseFromDatasetsOptions {
  /** End as soon as the chosen dataset is empty (default false: skip it, as TF 1.x). */
  readonly stopOnEmptyDataset?: boolean;
}

/** Options of {@link Dataset.ignoreErrors}. */
export interface IgnoreErrorsOptions {
  /** Called with each error that was ignored (TF's `log_warning`), e.g. `(e) => console.warn(e)`. */
  readonly onError?: (error: unknown) => void;
}

/** Options of {@link Dataset.listFiles}. */
export interface ListFilesOptions {
  /** Shuffle the file names (default true, as in TF); sorted otherwise. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle. */
  readonly seed?: number;
}

/** tf.data.Options that this library honours, set with {@link Dataset.withOptions}. */
export interface DatasetOptions {
  /** The default `deterministic` of parallel `map` and `interleave` stages that do not set it (default true). */
  readonly deterministic?: boolean;
}
