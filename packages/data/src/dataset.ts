/**
 * Dataset: a re-iterable, immutable description of an input pipeline (tf.data.Dataset).
 * Owns: the public transformation methods, cardinality, argument checks. Does not own: the stages
 * themselves (src/internal/*) or iterator bookkeeping (iterator.ts).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from './errors.js';
import {
  batchProducer,
  mapProducer,
  prefetchProducer,
  repeatProducer,
  skipProducer,
  takeProducer,
} from './internal/basic.js';
import { materialize, SliceRow } from './internal/lazy.js';
import type { IterContext, Node, Producer } from './internal/node.js';
import { shuffleProducer } from './internal/shuffle.js';
import { type FeedValue, type NumericArray, SliceSourceBuilder } from './internal/slice-source.js';
import { DatasetIterator, InitializableIterator } from './iterator.js';
import type { Placeholder } from './placeholder.js';

export type { FeedValue, NumericArray } from './internal/slice-source.js';

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
  /** Seed for a reproducible order. Default: a random seed drawn when the dataset is created. */
  readonly seed?: number;
  /** Draw a new order every iteration (each epoch under `repeat()`, each new iterator). Default true. */
  readonly reshuffleEachIteration?: boolean;
}

function checkCount(api: string, name: string, n: unknown, min: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw invalidArgument(`${api}: expected ${name} to be an integer >= ${min}. Received ${String(n)}.`);
  }
  return n;
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
  /** @internal The placeholders this pipeline reads (fed by `initialize()`). */
  readonly _placeholders: readonly Placeholder[];

  /** @internal Use the static factories (`fromTensorSlices`, ...) instead. */
  constructor(producer: Producer, size: number | null, placeholders: readonly Placeholder[] = []) {
    this.producer = producer;
    this.size = size;
    this._placeholders = placeholders;
  }

  /** @internal A new dataset reading from this one. */
  private derive<O>(producer: Producer, size: number | null): Dataset<O> {
    return new Dataset<O>(producer, size, this._placeholders);
  }

  /** @internal Produces this dataset's (possibly lazy) elements for one iteration. */
  _iterate(ctx: IterContext): AsyncIterator<unknown> {
    return this.producer(ctx);
  }

  /** @internal A fresh iteration context; `serial` is fixed when restoring a saved position. */
  _newContext(feed: ReadonlyMap<string, FeedValue> | null, serial?: number): IterContext {
    return { feed, serial: serial ?? this.iterators++, counters: new Map() };
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
    return new Dataset<Sliced<X>>(
      async function* slices(ctx) {
        const source = builder.resolve(ctx.feed);
        for (let i = 0; i < source.length; i++) yield new SliceRow(source, i);
      },
      builder.length,
      builder.placeholders,
    );
  }

  /**
   * Applies `fn` to every element. A sync `fn` runs inside `tf.tidy`; the input element's tensors are
   * disposed unless `fn` returns them.
   * @example
   *   const scaled = ds.map(({ x, y }) => ({ x: tf.div(x, 255), y }));
   */
  map<O>(fn: (x: T) => O): Dataset<Awaited<O>> {
    if (typeof fn !== 'function') throw invalidArgument(`Dataset.map(): expected a function. Received ${typeof fn}.`);
    return this.derive(mapProducer(this, fn as (x: unknown) => unknown), this.size);
  }

  /**
   * Combines `n` consecutive elements into one, stacking each leaf along a new dim 0.
   * @example
   *   const batches = ds.batch(128, { dropRemainder: true });
   */
  batch(n: number, opts: BatchOptions = {}): Dataset<Batched<T>> {
    const api = 'Dataset.batch()';
    checkCount(api, 'batchSize', n, 1);
    const drop = opts.dropRemainder ?? false;
    const size =
      this.size === null || this.size === Infinity
        ? this.size
        : drop
          ? Math.floor(this.size / n)
          : Math.ceil(this.size / n);
    return this.derive(batchProducer(api, this, n, drop), size);
  }

  /**
   * Repeats the dataset `count` times (forever without a count). Each repetition iterates the input again.
   * @example
   *   const epochs = ds.repeat(3);
   */
  repeat(count?: number): Dataset<T> {
    const n = count === undefined || count === -1 ? Infinity : checkCount('Dataset.repeat()', 'count', count, 0);
    const size = this.size === null ? null : this.size === 0 || n === 0 ? 0 : this.size * n;
    return this.derive(repeatProducer(this, n), size);
  }

  /**
   * Randomly shuffles elements through a buffer of `bufferSize` (tf.data's algorithm: fill the buffer, then
   * emit a random buffered element and replace it with the next input).
   * @example
   *   const shuffled = ds.shuffle(10000, { seed: 42 });
   */
  shuffle(bufferSize: number, opts: ShuffleOptions = {}): Dataset<T> {
    const api = 'Dataset.shuffle()';
    if (bufferSize === undefined) {
      throw invalidArgument(
        `${api}: expected a bufferSize (an integer >= 1), e.g. shuffle(10000). Received undefined.`,
      );
    }
    checkCount(api, 'bufferSize', bufferSize, 1);
    if (opts.seed !== undefined && !Number.isFinite(opts.seed)) {
      throw invalidArgument(`${api}: expected seed to be a finite number. Received ${String(opts.seed)}.`);
    }
    const seed = opts.seed ?? Math.floor(Math.random() * 2 ** 32);
    const reshuffle = opts.reshuffleEachIteration ?? true;
    return this.derive(shuffleProducer(this, { bufferSize, seed, reshuffleEachIteration: reshuffle }), this.size);
  }

  /**
   * The first `n` elements (all of them when there are fewer).
   * @example
   *   const firstTen = ds.take(10);
   */
  take(n: number): Dataset<T> {
    const count = n === -1 ? Infinity : checkCount('Dataset.take()', 'count', n, 0);
    const size = this.size === null ? (count === Infinity ? null : null) : Math.min(this.size, count);
    return this.derive(takeProducer(this, count), size);
  }

  /**
   * All but the first `n` elements.
   * @example
   *   const rest = ds.skip(10);
   */
  skip(n: number): Dataset<T> {
    const count = checkCount('Dataset.skip()', 'count', n, 0);
    const size = this.size === null ? null : this.size === Infinity ? Infinity : Math.max(0, this.size - count);
    return this.derive(skipProducer(this, count), size);
  }

  /**
   * Pulls up to `n` elements ahead of the consumer so asynchronous input work overlaps with the model.
   * @example
   *   const ds2 = ds.batch(32).prefetch(2);
   */
  prefetch(n: number): Dataset<T> {
    const count = checkCount('Dataset.prefetch()', 'bufferSize', n, 0);
    if (count === 0) return this;
    return this.derive(prefetchProducer(this, count), this.size);
  }

  /** Iterates from the start; breaking out of the loop releases everything the pipeline holds. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const it = this._iterate(this._newContext(null));
    try {
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield materialize(r.value) as T;
      }
    } finally {
      await it.return?.();
    }
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
