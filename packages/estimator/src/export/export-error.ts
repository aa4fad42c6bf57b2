import { EstimatorError } from '@estimatorjs/errors';

/**
 * An export could not be traced or written: an op with no mapping (`EXPORT_UNSUPPORTED_OP`), a random op in
 * PREDICT mode (`EXPORT_RANDOM_OP`), a graph that changes with the input (`EXPORT_NONDETERMINISTIC_GRAPH`), …
 * @example
 *   if (caught instanceof ExportError) console.error(caught.code, caught.message);
 */
export class ExportError extends EstimatorError {
  override name = 'ExportError';
}
