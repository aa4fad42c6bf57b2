/**
 * TF 1.x's iterators that are not tied to one dataset: a reinitializable iterator (`Iterator.fromStructure`,
 * switched between datasets of one structure by its initializers) and a feedable one (`Iterator.fromStringHandle`,
 * reading from whichever iterator's handle is passed per call). Owns: switching, the structure check, the errors.
 * Does not own: iteration itself (iterator.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from './dataset.js';
import { DataError, invalidArgument, OutOfRangeError } from './errors.js';
import type { TensorSpec } from './internal/sources.js';
import { describeStructure, disposeElement, isContainer } from './internal/structure.js';
import { type DatasetIterator, type Feed, iteratorForHandle } from './iterator.js';

/** Throws unless `x` has `structure`'s containers and, per TensorSpec leaf, its dtype and (null = any) dims. */
function checkStructure(api: string, structure: unknown, x: unknown): void {
  const fail = (path: string, want: string, got: string): never => {
    throw new DataError(
      'INVALID_ARGUMENT',
      `${api}: the element does not match the iterator's structure at '${path || '(element)'}': expected ${want}, received ${got}. Expected datasets with the structure given to Iterator.fromStructure().`,
    );
  };
  const walk = (s: unknown, v: unknown, path: string): void => {
    const isSpec = isContainer(s) && !Array.isArray(s) && Object.keys(s).every((k) => k === 'shape' || k === 'dtype');
    if (isSpec) {
      const spec = s as TensorSpec;
      if (!(v instanceof tf.Tensor)) {
        if (spec.dtype !== undefined || spec.shape !== undefined) fail(path, 'a tensor', typeof v);
        return;
      }
      if (spec.dtype && v.dtype !== spec.dtype) fail(path, `dtype ${spec.dtype}`, v.dtype);
      const sh = spec.shape;
      if (sh && (sh.length !== v.rank || sh.some((d, i) => d !== null && d !== -1 && d !== v.shape[i]))) {
        fail(path, `shape [${sh.map((d) => d ?? 'null').join(', ')}]`, `[${v.shape.join(', ')}]`);
      }
      return;
    }
    if (Array.isArray(s)) {
      if (!Array.isArray(v) || v.length !== s.length) fail(path, describeStructure(s), describeStructure(v));
      for (let i = 0; i < s.length; i++) walk(s[i], (v as unknown[])[i], `${path}[${i}]`);
      return;
    }
    if (isContainer(s)) {
      if (!isContainer(v) || Array.isArray(v)) fail(path, describeStructure(s), describeStructure(v));
      const o = s as Record<string, unknown>;
      for (const k of Object.keys(o)) walk(o[k], (v as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    }
  };
  walk(structure, x, '');
}

/** `x` when it matches `structure` (or there is none); otherwise `x` is disposed and the mismatch thrown. */
function conforming<T>(api: string, structure: unknown, x: T): T {
  if (structure === undefined) return x;
  try {
    checkStructure(api, structure, x);
  } catch (e) {
    disposeElement(x);
    throw e;
  }
  return x;
}

/**
 * An iterator switched between datasets of one structure (TF 1.x's `Iterator.from_structure`): each
 * `makeInitializer(ds)` returns the function that (re)starts it on `ds`, as TF's initializer ops do.
 * @example
 *   const it = Iterator.fromStructure({ x: { shape: [null, 4], dtype: 'float32' } });
 *   const trainInit = it.makeInitializer(Dataset.fromTensorSlices({ x: tf.ones([8, 4]) }).batch(2));
 *   await trainInit();
 *   const batch = await it.getNext();
 */
export class ReinitializableIterator<T> {
  private current: DatasetIterator<T> | null = null;

  /** @internal Use `Iterator.fromStructure()`. */
  constructor(private readonly structure: unknown) {}

  /**
   * The initializer for `dataset`: calling it closes what the iterator read before and starts `dataset` from its
   * beginning (with `feed` for the dataset's placeholders, as `sess.run(init_op, feed_dict)`).
   */
  makeInitializer(dataset: Dataset<T>): (feed?: Feed) => Promise<void> {
    if (typeof (dataset as Partial<Dataset<T>> | null)?.makeOneShotIterator !== 'function') {
      throw invalidArgument(
        `ReinitializableIterator.makeInitializer(): expected a Dataset. Received ${typeof dataset}.`,
      );
    }
    return async (feed?: Feed) => {
      await this.current?.return();
      this.current = null;
      if (dataset._placeholders.length > 0 || feed !== undefined) {
        const it = dataset.makeInitializableIterator();
        await it.initialize(feed ?? {});
        this.current = it;
      } else this.current = dataset.makeOneShotIterator();
    };
  }

  /** The next element of the dataset it was last initialized with; `OutOfRangeError` at its end. */
  async getNext(): Promise<T> {
    const api = 'ReinitializableIterator.getNext()';
    if (!this.current) {
      throw new DataError(
        'FAILED_PRECONDITION',
        `${api}: the iterator has not been initialized. Expected \`await it.makeInitializer(dataset)()\` before reading.`,
      );
    }
    const x = await this.current.getNext();
    return conforming(api, this.structure, x);
  }

  /** Closes the current dataset's iteration (releases what it holds). */
  async return(): Promise<void> {
    await this.current?.return();
    this.current = null;
  }
}

/**
 * An iterator that reads, per call, from the iterator whose `stringHandle()` it is given (TF 1.x's
 * `Iterator.from_string_handle` with the handle fed in `feed_dict`).
 * @example
 *   const train = Dataset.range(100).repeat().makeOneShotIterator();
 *   const valid = Dataset.range(10).makeOneShotIterator();
 *   const it = Iterator.fromStringHandle<number>();
 *   const x = await it.getNext(step % 10 === 0 ? valid.stringHandle() : train.stringHandle());
 */
export class FeedableIterator<T> {
  /** @internal Use `Iterator.fromStringHandle()`. */
  constructor(private readonly structure: unknown) {}

  /** The next element of the iterator named by `handle` (advancing that iterator). */
  async getNext(handle: string): Promise<T> {
    const api = 'FeedableIterator.getNext()';
    if (typeof handle !== 'string') {
      throw invalidArgument(
        `${api}: expected a string handle from iterator.stringHandle(). Received ${typeof handle}.`,
      );
    }
    const it = iteratorForHandle(handle);
    if (!it) {
      throw new DataError(
        'NOT_FOUND',
        `${api}: no iterator has the handle '${handle}'. Expected a handle returned by stringHandle() of an iterator that is still in use.`,
      );
    }
    let x: T;
    try {
      x = (await it.getNext()) as T;
    } catch (e) {
      if (e instanceof OutOfRangeError) throw new OutOfRangeError(`${api}: iterator '${handle}' is at its end.`);
      throw e;
    }
    return conforming(api, this.structure, x);
  }
}

/**
 * TF 1.x's `tf.data.Iterator` constructors for iterators not made by a dataset.
 * @example
 *   const it = Iterator.fromStructure({ shape: [null], dtype: 'int32' });
 */
export const Iterator = {
  /** A reinitializable iterator for datasets whose elements have `structure` (TensorSpec leaves; optional). */
  fromStructure<T = unknown>(structure?: unknown): ReinitializableIterator<T> {
    return new ReinitializableIterator<T>(structure);
  },
  /** A feedable iterator: `getNext(handle)` reads from the iterator that `handle` names. */
  fromStringHandle<T = unknown>(structure?: unknown): FeedableIterator<T> {
    return new FeedableIterator<T>(structure);
  },
};
