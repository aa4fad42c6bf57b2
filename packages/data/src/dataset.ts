/**
 * Dataset: a re-iterable, immutable description of an input pipeline (tf.data.Dataset).
 * Owns: the public methods (signatures, overloads, TSDoc) and cardinality. Does not own: checking their arguments
 * and choosing the stage (internal/*-stages.ts, internal/source-builders.ts), the stages themselves (src/internal/*)
 * or iterator bookkeeping (iterator.ts).
 */

import type * as tf from '@tensorflow/tfjs-core';
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
import { checkOptions } from './internal/arguments.js';
import {
  batchStage,
  bucketStage,
  groupByWindowStage,
  paddedBatchStage,
  unbatchStage,
  windowStage,
} from './internal/batch-stages.js';
import {
  filterStage,
  flatMapStage,
  ignoreErrorsStage,
  interleaveStage,
  mapStage,
  scanStage,
} from './internal/element-stages.js';
import { listFilesProducer } from './internal/files.js';
import { thaw } from './internal/freeze.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import type { IterContext, Node, Producer } from './internal/node.js';
import {
  cacheStage,
  enumerateStage,
  prefetchStage,
  repeatStage,
  shardStage,
  shuffleStage,
  skipStage,
  takeStage,
  uniqueStage,
} from './internal/pass-through-stages.js';
import { reduceElements } from './internal/reduce.js';
import { type RowPlan, rowsProducer } from './internal/row-cursor.js';
import { singleElement } from './internal/single-element.js';
import type { FeedValue } from './internal/slice-source.js';
import {
  chooseSource,
  concatenateSource,
  generatorSource,
  rangeSource,
  type Source,
  sampleSource,
  slicesSource,
  tensorsSource,
  zipSource,
} from './internal/source-builders.js';
import type { Stage } from './internal/stage.js';
import { DatasetIterator, elementIterator, InitializableIterator } from './iterator.js';
import type { Placeholder } from './placeholder.js';

/** The class's `instanceof` test, for the builders of datasets that read several others. */
function isDataset(x: unknown): boolean {
  return x instanceof Dataset;
}

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

  /** @internal A dataset starting a pipeline (internal/source-builders.ts). */
  private static fromSource<E>(src: Source): Dataset<E> {
    return new Dataset<E>(src.producer, src.size, src.placeholders, src.rows ?? null);
  }

  /** @internal A new dataset reading from this one through `stage` (built in internal/*-stages.ts). */
  _append<O>(stage: Stage): Dataset<O> {
    if ('rows' in stage) {
      return new Dataset<O>(rowsProducer(stage.rows), stage.size, this._placeholders, stage.rows, this._options);
    }
    return new Dataset<O>(stage.producer, stage.size, this._placeholders, null, this._options);
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
    return Dataset.fromSource(slicesSource(x));
  }

  /**
   * Applies `fn` to every element. A sync `fn` runs inside `tf.tidy`; the input element's tensors are
   * disposed unless `fn` returns them.
   * @example
   *   const scaled = ds.map(({ x, y }) => ({ x: tf.div(x, 255), y }));
   */
  map<O>(fn: (x: T) => O, opts: MapOptions = {}): Dataset<Awaited<O>> {
    return this._append(mapStage(this, fn, opts));
  }

  /**
   * Combines `n` consecutive elements into one, stacking each leaf along a new dim 0.
   * @example
   *   const batches = ds.batch(128, { dropRemainder: true });
   */
  batch(n: number, opts: BatchOptions = {}): Dataset<Batched<T>> {
    return this._append(batchStage(this, n, opts));
  }

  /**
   * Repeats the dataset `count` times (forever without a count). Each repetition iterates the input again.
   * @example
   *   const epochs = ds.repeat(3);
   */
  repeat(count?: number): Dataset<T> {
    return this._append(repeatStage(this, count));
  }

  /**
   * Randomly shuffles elements through a buffer of `bufferSize` (tf.data's algorithm: fill the buffer, then
   * emit a random buffered element and replace it with the next input).
   * @example
   *   const shuffled = ds.shuffle(10000, { seed: 42 });
   */
  shuffle(bufferSize: number, opts: ShuffleOptions = {}): Dataset<T> {
    return this._append(shuffleStage(this, bufferSize, opts));
  }

  /**
   * The first `n` elements (all of them when there are fewer).
   * @example
   *   const firstTen = ds.take(10);
   */
  take(n: number): Dataset<T> {
    return this._append(takeStage(this, n));
  }

  /**
   * All but the first `n` elements.
   * @example
   *   const rest = ds.skip(10);
   */
  skip(n: number): Dataset<T> {
    return this._append(skipStage(this, n));
  }

  /**
   * Pulls up to `n` elements ahead of the consumer so asynchronous input work overlaps with the model.
   * @example
   *   const ds2 = ds.batch(32).prefetch(2);
   */
  prefetch(n: number): Dataset<T> {
    const stage = prefetchStage(this, n);
    return stage ? this._append(stage) : this;
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
    return Dataset.fromSource(tensorsSource(x));
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
    return Dataset.fromSource(generatorSource(gen, opts));
  }

  /**
   * Numbers from `start` (inclusive) to `stop` (exclusive) by `step`, as plain numbers; `range(n)` is 0..n-1.
   * @example
   *   Dataset.range(1, 6, 2); // 1, 3, 5
   */
  static range(start: number, stop?: number, step = 1): Dataset<number> {
    return Dataset.fromSource(rangeSource(start, stop, step));
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
    return Dataset.fromSource(zipSource(datasets, isDataset));
  }

  /**
   * This dataset's elements followed by `other`'s.
   * @example
   *   Dataset.range(3).concatenate(Dataset.range(3, 5)); // 0..4
   */
  concatenate(other: Dataset<T>): Dataset<T> {
    return Dataset.fromSource(concatenateSource(this, other, isDataset));
  }

  /**
   * Keeps the elements for which `pred` returns true (or a scalar tensor that is non-zero).
   * @example
   *   Dataset.range(10).filter((x) => x % 2 === 0);
   */
  filter(pred: (x: T) => boolean | tf.Tensor | Promise<boolean>): Dataset<T> {
    return this._append(filterStage(this, pred));
  }

  /**
   * Maps each element to a dataset and flattens the results in order.
   * @example
   *   Dataset.range(1, 4).flatMap((x) => Dataset.range(x)); // 0, 0, 1, 0, 1, 2
   */
  flatMap<O>(fn: (x: T) => Dataset<O>): Dataset<O> {
    return this._append(flatMapStage(this, fn));
  }

  /**
   * Maps each element to a dataset and interleaves them: `cycleLength` at a time, `blockLength` elements each.
   * @example
   *   Dataset.range(1, 6).interleave((x) => Dataset.fromTensors(x).repeat(6), { cycleLength: 2, blockLength: 4 });
   */
  interleave<O>(fn: (x: T) => Dataset<O>, opts: InterleaveOptions = {}): Dataset<O> {
    return this._append(interleaveStage(this, fn, opts));
  }

  /**
   * Like `batch`, but pads each component to a common shape first (the longest in the batch, or `paddedShapes`).
   * @example
   *   Dataset.range(1, 5).map((x) => tf.fill([x], x)).paddedBatch(2); // [[1,0],[2,2]], [[3,3,3,0],[4,4,4,4]]
   */
  paddedBatch(n: number, opts: PaddedBatchOptions = {}): Dataset<Batched<T>> {
    return this._append(paddedBatchStage(this, n, opts));
  }

  /**
   * Splits each element along dim 0 into separate elements (the inverse of `batch`).
   * @example
   *   Dataset.fromTensors(tf.tensor2d([[1, 2], [3, 4]])).unbatch(); // [1, 2], [3, 4]
   */
  unbatch(): Dataset<T> {
    return this._append(unbatchStage(this));
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
    return this._append(cacheStage(this, path, opts));
  }

  /**
   * Every `numShards`-th element starting at `index` (for splitting input across workers).
   * @example
   *   Dataset.range(10).shard(3, 1); // 1, 4, 7
   */
  shard(numShards: number, index: number): Dataset<T> {
    return this._append(shardStage(this, numShards, index));
  }

  /**
   * Groups elements into windows; each window is a small Dataset of up to `size` elements.
   * @example
   *   Dataset.range(7).window(3, { shift: 2, dropRemainder: true }); // [0,1,2], [2,3,4], [4,5,6]
   */
  window(size: number, opts: WindowOptions = {}): Dataset<Dataset<T>> {
    return this._append(windowStage(this, size, opts, Dataset.ofFrozen));
  }

  /**
   * Pairs each element with its index: `[i, x]`, i a number counting from `start`.
   * @example
   *   Dataset.range(3).enumerate(); // [0, 0], [1, 1], [2, 2]
   */
  enumerate(start = 0): Dataset<[number, T]> {
    return this._append(enumerateStage(this, start));
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
    return this._append(scanStage(this, initialState, fn));
  }

  /**
   * Each distinct element once, in order of first occurrence (elements: scalar int32/string tensors, numbers or strings).
   * @example
   *   Dataset.fromTensorSlices(new Int32Array([1, 37, 2, 37, 2, 1])).unique(); // 1, 37, 2
   */
  unique(): Dataset<T> {
    return this._append(uniqueStage(this));
  }

  /**
   * Groups elements by `keyFunc` into windows of up to `windowSize` (or `windowSizeFunc(key)`) and replaces each
   * window by the dataset `reduceFunc(key, window)` returns; partial windows are reduced at the end, by ascending key.
   * @example
   *   Dataset.range(10).groupByWindow({ keyFunc: (x) => x % 2, reduceFunc: (_k, w) => w.batch(5), windowSize: 5 });
   *   // [0, 2, 4, 6, 8], [1, 3, 5, 7, 9]
   */
  groupByWindow<O>(opts: GroupByWindowOptions<T, O>): Dataset<O> {
    return this._append(groupByWindowStage(this, opts, Dataset.ofFrozen));
  }

  /**
   * Buckets elements by length and pads and batches each bucket (TF's `bucket_by_sequence_length`).
   * @example
   *   seqs.bucketBySequenceLength({ elementLengthFunc: (x) => x.shape[0], bucketBoundaries: [3, 5], bucketBatchSizes: [2, 2, 2] });
   */
  bucketBySequenceLength(opts: BucketBySequenceLengthOptions<T>): Dataset<Batched<T>> {
    return this._append(bucketStage(this, opts, Dataset.ofFrozen));
  }

  /**
   * Mixes `datasets` by drawing each next element's source at random with `weights` (TF's `sample_from_datasets`).
   * An exhausted dataset is skipped and the weights of the others renormalized, unless `stopOnEmptyDataset`.
   * @example
   *   const mixed = Dataset.sampleFromDatasets([positives, negatives], { weights: [0.5, 0.5], seed: 1 });
   */
  static sampleFromDatasets<E>(datasets: readonly Dataset<E>[], opts: SampleFromDatasetsOptions = {}): Dataset<E> {
    return Dataset.fromSource(sampleSource(datasets, opts));
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
    return Dataset.fromSource(chooseSource(datasets, choiceDataset, opts, isDataset));
  }

  /**
   * Drops the elements whose function (`map`, `filter`, ...) throws instead of failing the iteration; an error
   * that ends the input itself (a corrupt file) ends this dataset. `onError` sees every ignored error.
   * @example
   *   Dataset.fromTensorSlices([1, 2, 0, 4]).map(checkedReciprocal).ignoreErrors(); // 1, 0.5, 0.25
   */
  ignoreErrors(opts: IgnoreErrorsOptions = {}): Dataset<T> {
    return this._append(ignoreErrorsStage(this, opts));
  }

  /**
   * The only element of a one-element dataset; an empty dataset or one with more elements is an error.
   * @example
   *   const { x, y } = await Dataset.fromTensors({ x, y }).getSingleElement();
   */
  async getSingleElement(): Promise<T> {
    return (await singleElement(this)) as T;
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
