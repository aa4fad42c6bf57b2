/**
 * The option objects and element types of {@link Dataset}'s public methods (split out of dataset.ts, which
 * owns the methods).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CacheStorage } from './cache-storage.js';
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
export type SliceLeaf = tf.Tensor | NumericArray | readonly number[] | Placeholder;

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
