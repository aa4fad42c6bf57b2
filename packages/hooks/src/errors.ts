import { EstimatorError } from '@estimatorjs/errors';

/**
 * Base class of every error this package throws; `code` is stable across versions.
 * @example
 *   if (caught instanceof HookError) console.error(caught.code, caught.message);
 */
export class HookError extends EstimatorError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'HookError';
  }
}
