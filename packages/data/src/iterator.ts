/**
 * Iterators over a Dataset (TF1's `Iterator`): pull with `next()` / `getNext()`, close with `return()`.
 * Owns: the iterator lifecycle, OutOfRangeError, initialization from a feed.
 */
import { DataError, invalidArgument, OutOfRangeError } from './errors.js';
import { materialize } from './internal/lazy.js';
import type { IterContext } from './internal/node.js';
import type { FeedValue } from './internal/slice-source.js';
import { disposeElement } from './internal/structure.js';

/**
 * The iterator behind `for await (… of dataset)`: turns lazy elements into tensors and closes the pipeline on
 * `break`. A plain object, not an async generator: one promise per element instead of a generator's several.
 */
export function elementIterator<T>(it: AsyncIterator<unknown>): AsyncIterableIterator<T> {
  let closed = false;
  const close = async (): Promise<IteratorResult<T>> => {
    if (!closed) {
      closed = true;
      await it.return?.();
    }
    return { done: true, value: undefined };
  };
  const self: AsyncIterableIterator<T> = {
    next: async () => {
      if (closed) return { done: true, value: undefined };
      let r: IteratorResult<unknown>;
      try {
        r = await it.next();
      } catch (e) {
        closed = true;
        throw e;
      }
      if (r.done) {
        closed = true;
        return { done: true, value: undefined };
      }
      return { done: false, value: materialize(r.value) as T };
    },
    return: close,
    throw: async (e?: unknown) => {
      await close();
      throw e;
    },
    [Symbol.asyncIterator]: () => self,
  };
  return self;
}

/** Iterators that were asked for a string handle, by handle; weakly held so a dropped iterator can be collected. */
const handles = new Map<string, WeakRef<DatasetIterator<unknown>>>();
const handleOf = new WeakMap<object, string>();
let handleCount = 0;

function registerHandle(it: DatasetIterator<unknown>): string {
  let h = handleOf.get(it);
  if (h === undefined) {
    h = `estimatorjs-iterator:${++handleCount}`;
    handleOf.set(it, h);
    handles.set(h, new WeakRef(it));
  }
  return h;
}

/** @internal The iterator behind a string handle, or undefined when it is unknown or was collected. */
export function iteratorForHandle(handle: string): DatasetIterator<unknown> | undefined {
  const it = handles.get(handle)?.deref();
  if (!it) handles.delete(handle);
  return it;
}

/** What an iterator needs from its dataset (a {@link Dataset}). */
export interface IterableSource {
  _iterate(ctx: IterContext): AsyncIterator<unknown>;
  _newContext(feed: ReadonlyMap<string, FeedValue> | null, serial?: number): IterContext;
  readonly _placeholders: readonly { readonly name: string }[];
  /** Elements per iteration when known (`Infinity` for repeat(), null when unknown). */
  readonly size?: number | null;
}

/**
 * A saved iterator position (plain JSON, fit for a checkpoint). Restoring replays the pipeline from its
 * start and skips `position` elements (slice/shuffle/batch stages skip without building tensors), so the
 * pipeline must be deterministic: give every `shuffle()` a `seed`.
 */
export interface IteratorState {
  readonly version: 1;
  /** Which iterator of its dataset this was (seeds per-iterator randomness such as reshuffling). */
  readonly serial: number | null;
  /** Elements produced so far. */
  readonly position: number;
}

/** The values `InitializableIterator.initialize()` takes: placeholder name → values. */
export type Feed = Readonly<Record<string, FeedValue>>;

/**
 * A position in a dataset. `for await (const x of it)` and `next()` share the position; leaving a
 * `for await` early closes the iterator (as JS iterators do) and releases what the pipeline holds.
 * @example
 *   const it = ds.makeOneShotIterator();
 *   const batch = await it.getNext();
 */
export class DatasetIterator<T> implements AsyncIterable<T> {
  /** @internal */ protected inner: AsyncIterator<unknown> | null = null;
  /** @internal */ protected ctx: IterContext | null = null;
  /** @internal */ protected produced = 0;
  /** @internal */ protected closed = false;

  /** @internal Use `dataset.makeOneShotIterator()`. */
  constructor(
    /** @internal */ protected readonly source: IterableSource,
    /** @internal */ protected feed: ReadonlyMap<string, FeedValue> | null,
  ) {}

  /** The number of elements this iterator has produced since it started (or was initialized). */
  get position(): number {
    return this.produced;
  }

  /** The next element, or `{ done: true }` at the end. The caller owns the element. */
  async next(): Promise<IteratorResult<T, undefined>> {
    const inner = this.ensureStarted();
    if (!inner) return { done: true, value: undefined };
    const r = await inner.next();
    if (r.done) {
      this.closed = true;
      return { done: true, value: undefined };
    }
    this.produced++;
    return { done: false, value: materialize(r.value) as T };
  }

  /** The next element; throws {@link OutOfRangeError} at the end (TF's `get_next()`). */
  async getNext(): Promise<T> {
    const r = await this.next();
    if (r.done) {
      throw new OutOfRangeError(
        `DatasetIterator.getNext(): end of sequence after ${this.produced} elements. Expected another element; repeat() the dataset or stop at OutOfRangeError.`,
      );
    }
    return r.value;
  }

  /**
   * A string naming this iterator, for a feedable iterator (TF's `string_handle()`): pass it to
   * `Iterator.fromStringHandle(...).getNext(handle)` to read from this iterator.
   * @example
   *   const trainHandle = trainIt.stringHandle();
   */
  stringHandle(): string {
    return registerHandle(this);
  }

  /** Closes the iterator and releases every tensor the pipeline holds. Safe to call twice. */
  async return(): Promise<void> {
    const inner = this.inner;
    this.inner = null;
    this.closed = true;
    if (inner) await inner.return?.();
  }

  /**
   * The iterator's position as plain JSON, to store in a checkpoint.
   * @example
   *   const state = it.saveState(); // { version: 1, serial: 0, position: 1200 }
   */
  saveState(): IteratorState {
    return { version: 1, serial: this.ctx ? this.ctx.serial : null, position: this.produced };
  }

  /**
   * Moves the iterator to a position saved by {@link saveState} (on this or an identically built dataset).
   * @example
   *   await it.restoreState(JSON.parse(saved));
   */
  async restoreState(state: IteratorState): Promise<void> {
    const api = 'DatasetIterator.restoreState()';
    if (state?.version !== 1 || !Number.isInteger(state.position) || state.position < 0) {
      throw invalidArgument(
        `${api}: expected a state from saveState() ({ version: 1, serial, position }). Received ${JSON.stringify(state)}.`,
      );
    }
    if (state.serial !== null && !(Number.isSafeInteger(state.serial) && state.serial >= 0)) {
      throw invalidArgument(
        `${api}: serial must be null or an integer >= 0. Received ${JSON.stringify(state.serial)}.`,
      );
    }
    // Restoring replays the pipeline: a position past the dataset's end (a crafted or foreign state) would spin
    // through every element first. Refuse it before any replay.
    const size = this.source.size;
    if (typeof size === 'number' && Number.isFinite(size) && state.position > size) {
      throw new DataError(
        'OUT_OF_RANGE',
        `${api}: the saved position ${state.position} is past the end of this dataset, which has ${size} elements. Expected a state saved from the same pipeline and data.`,
      );
    }
    await this.return();
    this.closed = false;
    this.produced = 0;
    if (state.serial === null) return;
    this.ctx = this.source._newContext(this.feed, state.serial);
    const inner = this.source._iterate(this.ctx);
    this.inner = inner;
    for (let i = 0; i < state.position; i++) {
      const r = await inner.next();
      if (r.done) {
        await this.return();
        throw new DataError(
          'OUT_OF_RANGE',
          `${api}: the dataset ended after ${i} elements; the saved position is ${state.position}. Expected the same pipeline and data as when the state was saved.`,
        );
      }
      disposeElement(r.value);
    }
    this.produced = state.position;
  }

  /** @internal */
  protected ensureStarted(): AsyncIterator<unknown> | null {
    if (this.closed) return null;
    if (!this.inner) {
      this.ctx = this.source._newContext(this.feed);
      this.inner = this.source._iterate(this.ctx);
    }
    return this.inner;
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.return();
        return { done: true, value: undefined };
      },
    };
  }
}

/**
 * An iterator whose placeholders are fed by {@link InitializableIterator.initialize}.
 * @example
 *   const it = Dataset.fromTensorSlices(placeholder('x')).makeInitializableIterator();
 *   await it.initialize({ x: [1, 2, 3] });
 *   const first = await it.getNext();
 */
export class InitializableIterator<T> extends DatasetIterator<T> {
  private initialized = false;

  /** @internal Use `dataset.makeInitializableIterator()`. */
  constructor(source: IterableSource) {
    super(source, null);
  }

  /** Starts (or restarts) the iterator from `feed`; releases whatever the previous run held. */
  async initialize(feed: Feed = {}): Promise<void> {
    if (feed === null || typeof feed !== 'object') {
      throw invalidArgument(
        `InitializableIterator.initialize(): expected an object of placeholder values. Received ${String(feed)}.`,
      );
    }
    await this.return();
    this.feed = new Map(Object.entries(feed));
    this.closed = false;
    this.produced = 0;
    this.initialized = true;
  }

  override async next(): Promise<IteratorResult<T, undefined>> {
    if (!this.initialized) {
      const names = this.source._placeholders.map((p) => p.name);
      const what = names.length
        ? `placeholder${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')} ${names.length > 1 ? 'have' : 'has'} no value`
        : 'it has not been initialized';
      throw new DataError(
        'FAILED_PRECONDITION',
        `InitializableIterator.next(): ${what}. Expected \`await it.initialize({ ${names.map((n) => `${n}: ...`).join(', ')} })\` before reading.`,
      );
    }
    return super.next();
  }
}
