const brand = Symbol.for('estimatorjs.error');

/**
 * Base class of every error an `@estimatorjs/*` package throws: `code` is stable across versions (match on it, not
 * on the message), and the message names the API, what was received and what was expected.
 * @example
 *   try { await estimator.train(inputFn, { steps: 0 }); }
 *   catch (e) { if (isEstimatorError(e)) console.error(`${e.code}: ${e.message}`); else throw e; }
 */
export class EstimatorError extends Error {
  /** A stable machine-readable code in UPPER_SNAKE_CASE, such as `INVALID_ARGUMENT` or `BACKEND_NOT_INSTALLED`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EstimatorError';
    this.code = code;
    Object.defineProperty(this, brand, { value: true });
  }
}

/**
 * True for errors thrown by any `@estimatorjs/*` package, even when two copies of this package are installed
 * (where `instanceof` would say no).
 * @example
 *   if (isEstimatorError(caught)) process.exitCode = 1;
 */
export function isEstimatorError(e: unknown): e is EstimatorError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}
