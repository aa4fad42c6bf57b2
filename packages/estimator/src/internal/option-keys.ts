import { describe, ModelFnError } from '../errors.js';

/**
 * Throws unless `options` is undefined or an object holding only `known` keys: a misspelled option (`weight`,
 * `learning_rate`) must never be silently ignored. One owner for losses, optimizers and train ops.
 */
export function checkOptionKeys(api: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: options must be an object. Received ${describe(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ModelFnError(
        'UNKNOWN_OPTION',
        `${api}: unknown option ${JSON.stringify(key)}. Known options: ${known.map((k) => JSON.stringify(k)).join(', ')}.`,
      );
    }
  }
}
