import { EstimatorError } from '@estimatorjs/errors';

/**
 * A bad feature column, feature, label or premade-estimator option; `code` is stable (e.g. `FEATURE_NOT_FOUND`).
 * @example
 *   if (caught instanceof CannedError) console.error(caught.code, caught.message);
 */
export class CannedError extends EstimatorError {
  override name = 'CannedError';
}

/** Describes a value for an error message (one implementation, in @estimatorjs/errors). */
export { describeValue as describe } from '@estimatorjs/errors';
