/**
 * Dataset: a re-iterable, immutable description of an input pipeline (tf.data.Dataset).
 * Owns: the public transformation methods and cardinality. Does not own: the stages themselves (src/internal/*),
 * argument checks (internal/arguments.ts) or iterator bookkeeping (iterator.ts).
 */

import * as tf from '@tensorflow/tfjs-core';
import { defaultCacheStorage } from '#data-platform';
import type {
  Batched,
  BatchOptions,
  BucketBySequenceLengthOptions,
  CacheOptions,
  ChooseFromDatasetsOptions,
  DatasetOptions,
  GeneratorOptions,
  GroupByWindowOptions,
  IgnoreErrorsOptions,
  InterleaveOptions,
  ListFilesOptions,
  MapOptions,
  PaddedBatchOptions,
  SampleFromDatasetsOptions,
  ScanResult,
  ShuffleOptions,
  Sliced,
  SliceInput,
  WindowOptions,
} from './dataset-types.js';
import { invalidArgument } from './errors.js';
import {
  bucketArgs,
  checkCachePath,
  checkCount,
  checkDatasets,
  checkFunction,
  checkOptions,
  checkShard,
  checkVectorizable,
  groupByWindowArgs,
  interleaveArgs,
  rangeBounds,
  sampleArgs,
  shuffleConfig,
  windowArgs,
} from './internal/arguments.js';
import {
  batchProducer,
  mapProducer,
  prefetchProducer,
  repeatProducer,
  skipProducer,
  takeProducer,
} from './internal/basic.js';
import { cacheProducer } from './internal/cache.js';
import { batchedSize, repeatedSize, shardedSize, skippedSize, takenSize } from './internal/cardinality.js';
import { listFilesProducer } from './internal/files.js';
import { freeze, thaw } from './internal/freeze.js';
import { bucketOf, groupByWindowProducer, scanProducer, uniqueProducer } from './internal/grouping.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { materialize } from './internal/lazy.js';
import type { IterContext, Node, Producer } from './internal/node.js';
import { paddedBatchProducer } from './internal/padded-batch.js';
import { parallelInterleaveProducer } from './internal/parallel-interleave.js';
import { persistentCacheProducer } from './internal/persistent-cache.js';
import { reduceElements } from './internal/reduce.js';
import {
  batchRowsProducer,
  type RowPlan,
  repeatPlan,
  rowsProducer,
  shardPlan,
  shufflePlan,
  skipPlan,
  slicesPlan,
  takePlan,
  viewPlan,
} from './internal/row-cursor.js';
import { chooseProducer, sampleProducer } from './internal/sampling.js';
import { shuffleProducer } from './internal/shuffle.js';
import { type FeedValue, SliceSourceBuilder } from './internal/slice-source.js';
import { concatenateProducer, generatorProducer, rangeProducer, rangeSize, zipProducer } from './internal/sources.js';
import { disposeElement } from './internal/structure.js';
import {
  enumerateProducer,
  filterProducer,
  flatMapProducer,
  ignoreErrorsProducer,
  interleaveProducer,
  parallelMapProducer,
  shardProducer,
  unbatchProducer,
} from './internal/transforms.js';
import { withVectorizedMap } from './internal/vectorized-map.js';
import { windowProducer } from './internal/window.js';
import { DatasetIterator, elementIterator, InitializableIterator } from './iterator.js';
import type { Placeholder } from './placeholder.js';

/**
 * A sequence of elements (nested objects/arrays of tensors or plain values) that can be iterated any
 * number of times; every `for await` starts again from the source. Transformations return new datasets.
 * The consumer owns every element it receives and disposes it.
 * @example
 *   const ds = Dataset.fromTensorSlices({ x: tf.randomNormal([100, 4]), y: tf.zeros([100]) }).shuffle(100).batch(32);
 *   for await (const { x, y } of ds) { x.dispose(); y.dispose(); }
 */
export class Dataset<T> implements AsyncIterable<T>, Node {
  /** Cardinality: the number of elements, `Infinity` (e.g. after `repeat()`), or null when unknown. */
  readonly size: number | null;
  private readonly producer: Producer;
  private iterators = 0;
  /** @internal The synchronous row-index plan of an in-memory slice pipeline, or null. */
  readonly _rows: RowPlan | null;
  /** @internal The placeholders this pipeline reads (fed by `initialize()`). */
  readonly _placeholders: readonly Placeholder[];
  /** @internal The options set with `withOptions()` here or upstream. */
  readonly _options: DatasetOptions;

  /** @internal Use the static factories (`fromTensorSlices`, ...) instead. */
  constructor(
    producer: Producer,
    size: number | null,
    placeholders: readonly Placeholder[] = [],
    rows: RowPlan | null = null,
    options: DatasetOptions = {},
  ) {
    this.producer = producer;
    this.size = size;
    this._placeholders = placeholders;
    this._rows = rows;
    this._options = options;
  }

  /** @internal A dataset of fresh copies of frozen elements (a window), iterable any number of times. */
  private static ofFrozen<E>(frozen: unknown[]): Dataset<E> {
    return new Dataset<E>(async function* frozenElements() {
      for (const f of frozen) yield thaw(f);
    }, frozen.length);
  }

  /** @internal A new dataset reading from this one. */
  private derive<O>(producer: Producer, size: number | null): Dataset<O> {
    return new Dataset<O>(producer, size, this._placeholders, null, this._options);
  }

  /** @internal A new row-plan dataset reading from this one. */
  private deriveRows<O>(plan: RowPlan, size: number | null): Dataset<O> {
    return new Dataset<O>(rowsProducer(plan), size, this._placeholders, plan, this._options);
  }

  /** @internal Produces this dataset's (possibly lazy) elements for one iteration. */
  _iterate(ctx: IterContext): AsyncIterator<unknown> {
    return this.producer(ctx);
  }

  /** @internal A fresh iteration context; `serial` is fixed when restoring a saved position. */
  _newContext(feed: ReadonlyMap<string, FeedValue> | null, serial?: number): IterContext {
    const ctx = { feed, serial: serial ?? this.iterators++, counters: new Map() };
    const det = this._options.deterministic;
    return det === undefined ? ctx : { ...ctx, deterministic: det };
  }

  /**
   * Slices `x` along its first dimension: element i holds row i of every leaf, in `x`'s structure.
   * Leaves: tensors (their values are read once, now; the dataset never disposes them), typed arrays and
   * number[] (one scalar per element), and `placeholder()`s fed later through `initialize()`.
   * @example
   *   const ds = Dataset.fromTensorSlices([tf.tensor2d([[1, 2], [3, 4]]), new Int32Array([0, 1])]);
   */
  static fromTensorSlices<const X extends SliceInput>(x: X): Dataset<Sliced<X>> {
    const api = 'Dataset.fromTensorSlices()';
    const builder = new SliceSourceBuilder(api, x);
    const plan = slicesPlan((ctx) => builder.resolve(ctx.feed));
    return new Dataset<Sliced<X>>(rowsProducer(plan), builder.length, builder.placeholders, plan);
  }

  /**
   * Applies `fn` to every element. A sync `fn` runs inside `tf.tidy`; the input element's tensors are
   * disposed unless `fn` returns them.
   * @example
   *   const scaled = ds.map(({ x, y }) => ({ x: tf.div(x, 255), y }));
   */
  map<O>(fn: (x: T) => O, opts: MapOptions = {}): Dataset<Awaited<O>> {
    checkOptionKeys('Dataset.map()', opts, KNOWN_OPTIONS.map);
    checkFunction('Dataset.map()', fn);
    const par = opts.numParallelCalls === Dataset.AUTOTUNE ? 8 : (opts.numParallelCalls ?? 1);
    checkCount('Dataset.map()', 'numParallelCalls', par, 1);
    const f = fn as (x: unknown) => unknown;
    if (opts.vectorize) {
      checkVectorizable(fn);
      if (this._rows) return this.deriveRows(viewPlan(this._rows, withVectorizedMap(f)), this.size);
    }
    if (par === 1) return this.derive(mapProducer(this, f), this.size);
    return this.derive(parallelMapProducer(this, f, par, opts.deterministic), this.size);
  }

  /**
   * Combines `n` consecutive elements into one, stacking each leaf along a new dim 0.
   * @example
   *   const batches = ds.batch(128, { dropRemainder: true });
   */
  batch(n: number, opts: BatchOptions = {}): Dataset<Batched<T>> {
    checkOptionKeys('Dataset.batch()', opts, KNOWN_OPTIONS.batch);
    const api = 'Dataset.batch()';
    checkCount(api, 'batchSize', n, 1);
    const drop = opts.dropRemainder ?? false;
    const size = batchedSize(this.size, n, drop);
    if (this._rows) return this.derive(batchRowsProducer(this._rows, n, drop), size);
    return this.derive(batchProducer(api, this, n, drop), size);
  }

  /**
   * Repeats the dataset `count` times (forever without a count). Each repetition iterates the input again.
   * @example
   *   const epochs = ds.repeat(3);
   */
  repeat(count?: number): Dataset<T> {
    const n = count === undefined || count === -1 ? Infinity : checkCount('Dataset.repeat()', 'count', count, 0);
    const size = repeatedSize(this.size, n);
    if (this._rows) return this.deriveRows(repeatPlan(this._rows, n), size);
    return this.derive(repeatProducer(this, n), size);
  }

  /**
   * Randomly shuffles elements through a buffer of `bufferSize` (tf.data's algorithm: fill the buffer, then
   * emit a random buffered element and replace it with the next input).
   * @example
   *   const shuffled = ds.shuffle(10000, { seed: 42 });
   */
  shuffle(bufferSize: number, opts: ShuffleOptions = {}): Dataset<T> {
    checkOptionKeys('Dataset.shuffle()', opts, KNOWN_OPTIONS.shuffle);
    const cfg = shuffleConfig('Dataset.shuffle()', bufferSize, opts);
    if (this._rows) return this.deriveRows(shufflePlan(this._rows, cfg, {}), this.size);
    return this.derive(shuffleProducer(this, cfg), this.size);
  }

  /**
   * The first `n` elements (all of them when there are fewer).
   * @example
   *   const firstTen = ds.take(10);
   */
  take(n: number): Dataset<T> {
    const count = n === -1 ? Infinity : checkCount('Dataset.take()', 'count', n, 0);
    const size = takenSize(this.size, count);
    if (this._rows) return this.deriveRows(takePlan(this._rows, count), size);
    return this.derive(takeProducer(this, count), size);
  }

  /**
   * All but the first `n` elements.
   * @example
   *   const rest = ds.skip(10);
   */
  skip(n: number): Dataset<T> {
    const count = checkCount('Dataset.skip()', 'count', n, 0);
    const size = skippedSize(this.size, count);
    if (this._rows) return this.deriveRows(skipPlan(this._rows, count), size);
    return this.derive(skipProducer(this, count), size);
  }

  /**
   * Pulls up to `n` elements ahead of the consumer so asynchronous input work overlaps with the model.
   * @example
   *   const ds2 = ds.batch(32).prefetch(2);
   */
  prefetch(n: number): Dataset<T> {
    const count = n === Dataset.AUTOTUNE ? 2 : checkCount('Dataset.prefetch()', 'bufferSize', n, 0);
    // pulling row indices ahead is pointless: they are produced synchronously on demand
    if (count === 0 || this._rows) return this;
    return this.derive(prefetchProducer(this, count), this.size);
  }

  /** Passed as a count (`prefetch`, `numParallelCalls`) to let the library choose. */
  static readonly AUTOTUNE = -1;
  /** `cardinality()` of an infinite dataset (tf.data.INFINITE_CARDINALITY). */
  static readonly INFINITE_CARDINALITY = -1;
  /** `cardinality()` when it cannot be known without iterating (tf.data.UNKNOWN_CARDINALITY). */
  static readonly UNKNOWN_CARDINALITY = -2;

  /**
   * A dataset of exactly one element, `x` (its tensors' values are read now; the dataset yields copies).
   * @example
   *   const one = Dataset.fromTensors({ x: tf.ones([2, 2]) });
   */
  static fromTensors<X>(x: X): Dataset<X> {
    const frozen = freeze(x);
    return new Dataset<X>(async function* tensors() {
      yield thaw(frozen);
    }, 1);
  }

  /**
   * Elements from a (sync or async) generator function, called again for every iteration. With an
   * `outputSignature`, plain values become tensors and shapes/dtypes are checked.
   * @example
   *   const ds = Dataset.fromGenerator(function* () { yield [1, 2]; yield [3, 4]; }, { outputSignature: { shape: [2], dtype: 'float32' } });
   */
  static fromGenerator<X>(
    gen: () => Iterator<X> | AsyncIterator<X> | Iterable<X> | AsyncIterable<X>,
    opts: GeneratorOptions = {},
  ): Dataset<X extends tf.Tensor ? X : X> {
    checkOptionKeys('Dataset.fromGenerator()', opts, KNOWN_OPTIONS.generator);
    checkFunction('Dataset.fromGenerator()', gen, 'a generator function');
    return new Dataset(generatorProducer(gen, opts.outputSignature), null);
  }

  /**
   * Numbers from `start` (inclusive) to `stop` (exclusive) by `step`, as plain numbers; `range(n)` is 0..n-1.
   * @example
   *   Dataset.range(1, 6, 2); // 1, 3, 5
   */
  static range(start: number, stop?: number, step = 1): Dataset<number> {
    const [from, to, by] = rangeBounds(start, stop, step);
    return new Dataset<number>(rangeProducer(from, to, by), rangeSize(from, to, by));
  }

  /**
   * Zips datasets given as a tuple or object: element i holds element i of each, in that structure.
   * Ends with the shortest.
   * @example
   *   const pairs = Dataset.zip([Dataset.range(3), Dataset.range(3, 6)]); // [0, 3], [1, 4], [2, 5]
   */
  static zip<D extends readonly Dataset<unknown>[] | Record<string, Dataset<unknown>>>(
    datasets: D,
  ): Dataset<{ -readonly [K in keyof D]: D[K] extends Dataset<infer E> ? E : never }> {
    const nodes: Dataset<unknown>[] = Array.isArray(datasets) ? [...datasets] : Object.values(datasets);
    if (nodes.length === 0 || !nodes.every((d) => d instanceof Dataset)) {
      throw invalidArgument('Dataset.zip(): expected a non-empty array or object of Datasets.');
    }
    const sizes = nodes.map((d) => d.size);
    const size = sizes.some((s) => s === null) ? null : Math.min(...(sizes as number[]));
    const placeholders = nodes.flatMap((d) => d._placeholders);
    return new Dataset(zipProducer(datasets, nodes), size, placeholders);
  }

  /**
   * This dataset's elements followed by `other`'s.
   * @example
   *   Dataset.range(3).concatenate(Dataset.range(3, 5)); // 0..4
   */
  concatenate(other: Dataset<T>): Dataset<T> {
    if (!(other instanceof Dataset)) throw invalidArgument('Dataset.concatenate(): expected a Dataset.');
    const size = this.size === null || other.size === null ? null : this.size + other.size;
    return new Dataset(concatenateProducer(this, other), size, [...this._placeholders, ...other._placeholders]);
  }

  /**
   * Keeps the elements for which `pred` returns true (or a scalar tensor that is non-zero).
   * @example
   *   Dataset.range(10).filter((x) => x % 2 === 0);
   */
  filter(pred: (x: T) => boolean | tf.Tensor | Promise<boolean>): Dataset<T> {
    checkFunction('Dataset.filter()', pred, 'a predicate function');
    return this.derive(filterProducer(this, pred as (x: unknown) => unknown), null);
  }

  /**
   * Maps each element to a dataset and flattens the results in order.
   * @example
   *   Dataset.range(1, 4).flatMap((x) => Dataset.range(x)); // 0, 0, 1, 0, 1, 2
   */
  flatMap<O>(fn: (x: T) => Dataset<O>): Dataset<O> {
    checkFunction('Dataset.flatMap()', fn);
    return this.derive(flatMapProducer(this, fn as (x: unknown) => Dataset<unknown>), null);
  }

  /**
   * Maps each element to a dataset and interleaves them: `cycleLength` at a time, `blockLength` elements each.
   * @example
   *   Dataset.range(1, 6).interleave((x) => Dataset.fromTensors(x).repeat(6), { cycleLength: 2, blockLength: 4 });
   */
  interleave<O>(fn: (x: T) => Dataset<O>, opts: InterleaveOptions = {}): Dataset<O> {
    checkOptionKeys('Dataset.interleave()', opts, KNOWN_OPTIONS.interleave);
    const { cycle, block } = interleaveArgs(fn, opts);
    const par = opts.numParallelCalls === Dataset.AUTOTUNE ? cycle : (opts.numParallelCalls ?? 1);
    checkCount('Dataset.interleave()', 'numParallelCalls', par, 1);
    const f = fn as (x: unknown) => Dataset<unknown>;
    if (par > 1 || opts.deterministic === false) {
      return this.derive(parallelInterleaveProducer(this, f, cycle, block, par, opts.deterministic), null);
    }
    return this.derive(interleaveProducer(this, f, cycle, block), null);
  }

  /**
   * Like `batch`, but pads each component to a common shape first (the longest in the batch, or `paddedShapes`).
   * @example
   *   Dataset.range(1, 5).map((x) => tf.fill([x], x)).paddedBatch(2); // [[1,0],[2,2]], [[3,3,3,0],[4,4,4,4]]
   */
  paddedBatch(n: number, opts: PaddedBatchOptions = {}): Dataset<Batched<T>> {
    checkOptionKeys('Dataset.paddedBatch()', opts, KNOWN_OPTIONS.paddedBatch);
    checkCount('Dataset.paddedBatch()', 'batchSize', n, 1);
    const drop = opts.dropRemainder ?? false;
    const size = batchedSize(this.size, n, drop);
    return this.derive(
      paddedBatchProducer(this, n, {
        paddedShapes: opts.paddedShapes,
        paddingValues: opts.paddingValues,
        dropRemainder: drop,
      }),
      size,
    );
  }

  /**
   * Splits each element along dim 0 into separate elements (the inverse of `batch`).
   * @example
   *   Dataset.fromTensors(tf.tensor2d([[1, 2], [3, 4]])).unbatch(); // [1, 2], [3, 4]
   */
  unbatch(): Dataset<T> {
    return this.derive(unbatchProducer(this), null);
  }

  /**
   * Records the elements of the first complete iteration and replays them afterwards. Without a path (or
   * with `''`) the record is kept in memory; with a path it is written to storage — a file in Node, IndexedDB
   * in the browser, or `opts.storage` — atomically when the first pass completes, and any later iteration,
   * in this process or another, reads it instead of running the input. Delete the file to rebuild it.
   * @example
   *   const ds = expensive.cache().repeat();
   *   const onDisk = decoded.cache('/tmp/train.cache').repeat();
   */
  cache(path = '', opts: CacheOptions = {}): Dataset<T> {
    checkOptionKeys('Dataset.cache()', opts, KNOWN_OPTIONS.cache);
    checkCachePath(path);
    if (path === '') return this.derive(cacheProducer(this), this.size);
    const storage = opts.storage;
    return this.derive(
      persistentCacheProducer(this, path, () => storage ?? defaultCacheStorage()),
      this.size,
    );
  }

  /**
   * Every `numShards`-th element starting at `index` (for splitting input across workers).
   * @example
   *   Dataset.range(10).shard(3, 1); // 1, 4, 7
   */
  shard(numShards: number, index: number): Dataset<T> {
    checkShard('Dataset.shard()', numShards, index);
    const size = shardedSize(this.size, numShards, index);
    if (this._rows) return this.deriveRows(shardPlan(this._rows, numShards, index), size);
    return this.derive(shardProducer(this, numShards, index), size);
  }

  /**
   * Groups elements into windows; each window is a small Dataset of up to `size` elements.
   * @example
   *   Dataset.range(7).window(3, { shift: 2, dropRemainder: true }); // [0,1,2], [2,3,4], [4,5,6]
   */
  window(size: number, opts: WindowOptions = {}): Dataset<Dataset<T>> {
    checkOptionKeys('Dataset.window()', opts, KNOWN_OPTIONS.window);
    const { shift, stride } = windowArgs(size, opts);
    const make = Dataset.ofFrozen<T>;
    return this.derive(windowProducer(this, size, shift, stride, opts.dropRemainder ?? false, make), null);
  }

  /**
   * Pairs each element with its index: `[i, x]`, i a number counting from `start`.
   * @example
   *   Dataset.range(3).enumerate(); // [0, 0], [1, 1], [2, 2]
   */
  enumerate(start = 0): Dataset<[number, T]> {
    return this.derive(enumerateProducer(this, start), this.size);
  }

  /**
   * Applies a transformation function to the whole dataset (for reusable pipeline pieces).
   * @example
   *   const normalize = (ds: Dataset<tf.Tensor>) => ds.map((x) => tf.div(x, 255));
   *   ds.apply(normalize);
   */
  apply<O>(fn: (ds: Dataset<T>) => Dataset<O>): Dataset<O> {
    return fn(this);
  }

  /**
   * Folds the dataset into one value. Sync `fn` runs in `tf.tidy`; the previous state's and the element's
   * tensors are disposed unless returned.
   * @example
   *   const total = await Dataset.range(5).reduce(0, (s, x) => s + x); // 10
   */
  reduce<S>(initial: S, fn: (state: S, x: T) => S): Promise<S> {
    return reduceElements(this, initial, fn);
  }

  /**
   * A running state: `fn(state, x)` returns `[newState, output]`; the outputs form the new dataset (TF's `scan`).
   * Each iteration starts again from `initialState` (its tensors are copied, never disposed).
   * @example
   *   Dataset.range(10).scan(0, (s, x) => [s + x, s + x]); // 0, 1, 3, 6, 10, 15, 21, 28, 36, 45
   */
  scan<S, O>(initialState: S, fn: (state: S, x: T) => ScanResult<S, O>): Dataset<O> {
    checkFunction('Dataset.scan()', fn);
    return this.derive(scanProducer(this, initialState, fn as (s: unknown, x: unknown) => unknown), this.size);
  }

  /**
   * Each distinct element once, in order of first occurrence (elements: scalar int32/string tensors, numbers or strings).
   * @example
   *   Dataset.fromTensorSlices(new Int32Array([1, 37, 2, 37, 2, 1])).unique(); // 1, 37, 2
   */
  unique(): Dataset<T> {
    return this.derive(uniqueProducer(this), null);
  }

  /**
   * Groups elements by `keyFunc` into windows of up to `windowSize` (or `windowSizeFunc(key)`) and replaces each
   * window by the dataset `reduceFunc(key, window)` returns; partial windows are reduced at the end, by ascending key.
   * @example
   *   Dataset.range(10).groupByWindow({ keyFunc: (x) => x % 2, reduceFunc: (_k, w) => w.batch(5), windowSize: 5 });
   *   // [0, 2, 4, 6, 8], [1, 3, 5, 7, 9]
   */
  groupByWindow<O>(opts: GroupByWindowOptions<T, O>): Dataset<O> {
    checkOptionKeys('Dataset.groupByWindow()', opts, KNOWN_OPTIONS.groupByWindow);
    const api = 'Dataset.groupByWindow()';
    const windowSize = groupByWindowArgs(api, opts);
    const cfg = {
      api,
      keyFunc: opts.keyFunc as (x: unknown) => unknown,
      reduceFunc: opts.reduceFunc as (key: number, w: never) => Dataset<unknown>,
      windowSize,
      makeWindow: Dataset.ofFrozen<T>,
    };
    return this.derive(groupByWindowProducer(this, cfg), null);
  }

  /**
   * Buckets elements by length and pads and batches each bucket (TF's `bucket_by_sequence_length`).
   * @example
   *   seqs.bucketBySequenceLength({ elementLengthFunc: (x) => x.shape[0], bucketBoundaries: [3, 5], bucketBatchSizes: [2, 2, 2] });
   */
  bucketBySequenceLength(opts: BucketBySequenceLengthOptions<T>): Dataset<Batched<T>> {
    checkOptionKeys('Dataset.bucketBySequenceLength()', opts, KNOWN_OPTIONS.bucketBySequenceLength);
    const api = 'Dataset.bucketBySequenceLength()';
    const { boundaries, sizes } = bucketArgs(api, opts);
    const lengthOf = opts.elementLengthFunc as (x: unknown) => unknown;
    return this.derive(
      groupByWindowProducer(this, {
        api,
        keyFunc: (x) => {
          const n = lengthOf(x);
          const len = n instanceof tf.Tensor ? n.dataSync()[0]! : n;
          return typeof len === 'number' ? bucketOf(len, boundaries) : len;
        },
        windowSize: (key) => sizes[key]!,
        reduceFunc: (key, w: never) => {
          const win = w as Dataset<T>;
          if (opts.noPadding) return win.batch(sizes[key]!, { dropRemainder: opts.dropRemainder ?? false });
          const fill = opts.padToBucketBoundary && key < boundaries.length ? boundaries[key]! - 1 : undefined;
          return win.derive(
            paddedBatchProducer(win, sizes[key]!, {
              paddedShapes: opts.paddedShapes,
              paddingValues: opts.paddingValues,
              dropRemainder: opts.dropRemainder ?? false,
              unknownDimFill: fill,
            }),
            null,
          );
        },
        makeWindow: Dataset.ofFrozen<T>,
      }),
      null,
    );
  }

  /**
   * Mixes `datasets` by drawing each next element's source at random with `weights` (TF's `sample_from_datasets`).
   * An exhausted dataset is skipped and the weights of the others renormalized, unless `stopOnEmptyDataset`.
   * @example
   *   const mixed = Dataset.sampleFromDatasets([positives, negatives], { weights: [0.5, 0.5], seed: 1 });
   */
  static sampleFromDatasets<E>(datasets: readonly Dataset<E>[], opts: SampleFromDatasetsOptions = {}): Dataset<E> {
    checkOptionKeys('Dataset.sampleFromDatasets()', opts, KNOWN_OPTIONS.sampleFromDatasets);
    const api = 'Dataset.sampleFromDatasets()';
    checkDatasets(api, datasets);
    const { weights, seed } = sampleArgs(api, datasets.length, opts);
    const producer = sampleProducer(datasets, weights, seed, opts.stopOnEmptyDataset ?? false);
    return new Dataset<E>(
      producer,
      null,
      datasets.flatMap((d) => d._placeholders),
    );
  }

  /**
   * Element i comes from `datasets[c]` where c is element i of `choiceDataset` (TF's `choose_from_datasets`).
   * @example
   *   Dataset.chooseFromDatasets([a, b, c], Dataset.range(3).repeat(3)); // a0, b0, c0, a1, b1, c1, ...
   */
  static chooseFromDatasets<E>(
    datasets: readonly Dataset<E>[],
    choiceDataset: Dataset<number | tf.Tensor>,
    opts: ChooseFromDatasetsOptions = {},
  ): Dataset<E> {
    checkOptionKeys('Dataset.chooseFromDatasets()', opts, KNOWN_OPTIONS.chooseFromDatasets);
    const api = 'Dataset.chooseFromDatasets()';
    checkDatasets(api, datasets);
    if (!(choiceDataset instanceof Dataset)) {
      throw invalidArgument(
        `${api}: expected choiceDataset to be a Dataset of indices. Received ${typeof choiceDataset}.`,
      );
    }
    const producer = chooseProducer(datasets, choiceDataset, opts.stopOnEmptyDataset ?? false);
    return new Dataset<E>(
      producer,
      null,
      [...datasets, choiceDataset].flatMap((d) => d._placeholders),
    );
  }

  /**
   * Drops the elements whose function (`map`, `filter`, ...) throws instead of failing the iteration; an error
   * that ends the input itself (a corrupt file) ends this dataset. `onError` sees every ignored error.
   * @example
   *   Dataset.fromTensorSlices([1, 2, 0, 4]).map(checkedReciprocal).ignoreErrors(); // 1, 0.5, 0.25
   */
  ignoreErrors(opts: IgnoreErrorsOptions = {}): Dataset<T> {
    checkOptionKeys('Dataset.ignoreErrors()', opts, KNOWN_OPTIONS.ignoreErrors);
    if (opts.onError !== undefined) checkFunction('Dataset.ignoreErrors()', opts.onError, 'onError to be a function');
    return this.derive(ignoreErrorsProducer(this, opts.onError), null);
  }

  /**
   * The only element of a one-element dataset; an empty dataset or one with more elements is an error.
   * @example
   *   const { x, y } = await Dataset.fromTensors({ x, y }).getSingleElement();
   */
  async getSingleElement(): Promise<T> {
    const api = 'Dataset.getSingleElement()';
    const it = this._iterate(this._newContext(null));
    try {
      const first = await it.next();
      if (first.done) throw invalidArgument(`${api}: the dataset is empty. Expected exactly one element.`);
      const x = materialize(first.value) as T;
      const second = await it.next();
      if (!second.done) {
        disposeElement(second.value);
        disposeElement(x);
        throw invalidArgument(`${api}: the dataset has more than one element. Expected exactly one (take(1) first?).`);
      }
      return x;
    } finally {
      await it.return?.();
    }
  }

  /**
   * This dataset with `options` merged into those set upstream (TF's `with_options`); unknown keys are an error.
   * @example
   *   const fast = ds.map(decode, { numParallelCalls: Dataset.AUTOTUNE }).withOptions({ deterministic: false });
   */
  withOptions(options: DatasetOptions): Dataset<T> {
    checkOptions('Dataset.withOptions()', options);
    return new Dataset<T>(this.producer, this.size, this._placeholders, this._rows, { ...this._options, ...options });
  }

  /** The options set with `withOptions()` on this dataset or upstream. */
  options(): DatasetOptions {
    return { ...this._options };
  }

  /**
   * The file names matching `pattern` (TF's `list_files`): in Node a glob (`*`, `?`, `[...]` within a path segment),
   * as scalar string tensors; in the browser, pass the URLs or Blobs/Files themselves. Shuffled unless
   * `shuffle: false` (then sorted); no match is an error when iterated.
   * @example
   *   const records = tfRecordDataset(Dataset.listFiles('data/train-*.tfrecord', { seed: 1 }));
   */
  static listFiles(
    pattern: string | Blob | tf.Tensor | readonly (string | Blob)[],
    opts: ListFilesOptions = {},
  ): Dataset<tf.Tensor | Blob> {
    checkOptionKeys('Dataset.listFiles()', opts, KNOWN_OPTIONS.listFiles);
    const names = new Dataset<tf.Tensor | Blob>(listFilesProducer('Dataset.listFiles()', pattern), null);
    return (opts.shuffle ?? true) ? names.shuffle(2 ** 31 - 1, { seed: opts.seed }) : names;
  }

  /**
   * The number of elements as tf.data reports it: a count, `Dataset.INFINITE_CARDINALITY` (-1) or
   * `Dataset.UNKNOWN_CARDINALITY` (-2). See also `size`.
   * @example
   *   Dataset.range(10).batch(3).cardinality(); // 4
   */
  cardinality(): number {
    if (this.size === null) return Dataset.UNKNOWN_CARDINALITY;
    return this.size === Infinity ? Dataset.INFINITE_CARDINALITY : this.size;
  }

  /** Iterates from the start; breaking out of the loop releases everything the pipeline holds. */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return elementIterator<T>(this._iterate(this._newContext(null)));
  }

  /**
   * An iterator over this dataset (TF's `make_one_shot_iterator()`); `getNext()` throws `OutOfRangeError` at the end.
   * @example
   *   const it = ds.makeOneShotIterator();
   *   const first = await it.getNext();
   */
  makeOneShotIterator(): DatasetIterator<T> {
    return new DatasetIterator<T>(this, null);
  }

  /**
   * An iterator that reads nothing until `initialize(feed)` supplies the placeholders' values; initializing
   * again restarts it from the new feed (TF's `make_initializable_iterator()`).
   * @example
   *   const it = Dataset.fromTensorSlices(placeholder('x', { shape: [2] })).batch(2).makeInitializableIterator();
   *   await it.initialize({ x: new Float32Array([1, 2, 3, 4]) });
   */
  makeInitializableIterator(): InitializableIterator<T> {
    return new InitializableIterator<T>(this);
  }
}
