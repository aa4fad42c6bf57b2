import { EstimatorError } from '@estimatorjs/errors';

/**
 * Base class of every error `@estimatorjs/data` throws. `code` is stable across versions; match on it,
 * not on the message.
 * @example
 *   let done = false;
 *   try { await iterator.getNext(); } catch (e) { if (e instanceof DataError && e.code === 'OUT_OF_RANGE') done = true; }
 */
export class DataError extends EstimatorError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'DataError';
  }
}

/**
 * Thrown by `iterator.getNext()` when the dataset is exhausted (TF's `tf.errors.OutOfRangeError`).
 * @example
 *   try { for (;;) tf.dispose(await iterator.getNext()); } catch (e) { if (!(e instanceof OutOfRangeError)) throw e; }
 */
export class OutOfRangeError extends DataError {
  constructor(message: string) {
    super('OUT_OF_RANGE', message);
    this.name = 'OutOfRangeError';
  }
}

/** @internal shorthand for argument errors. */
export function invalidArgument(message: string): DataError {
  return new DataError('INVALID_ARGUMENT', message);
}
