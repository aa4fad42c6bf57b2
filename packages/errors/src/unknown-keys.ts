import { closestName } from './closest-name.js';
import { describeValue } from './describe-value.js';
import { EstimatorError } from './estimator-error.js';

/**
 * The known key a misspelled one most likely meant (`model_dir` → `modelDir`, `std` → `stddev`, typos): the same
 * rule as {@link closestName}, which it is.
 * @example
 *   nearestKey('model_dir', ['modelDir', 'randomSeed']); // 'modelDir'
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  return closestName(key, known);
}

/** How {@link checkKnownKeys} builds its error; defaults to an `EstimatorError`. */
export type KeyErrorFactory = (code: 'UNKNOWN_OPTION' | 'INVALID_OPTIONS', message: string) => Error;

/**
 * Throws one error unless `options` is undefined or a plain object holding only `known` keys, so a misspelled option
 * is never silently ignored. The message names the API, the key and the nearest known one:
 * `RunConfig: unknown option "model_dir". Did you mean "modelDir"? Known options: "modelDir", ….`
 * Codes: `UNKNOWN_OPTION` (an unknown key), `INVALID_OPTIONS` (not an object). Pass `makeError` to throw a
 * package's own EstimatorError subclass.
 * @example
 *   checkKnownKeys('RunConfig', { model_dir: '/tmp/m' }, ['modelDir', 'randomSeed']); // throws, suggests modelDir
 */
export function checkKnownKeys(
  api: string,
  options: unknown,
  known: readonly string[],
  makeError: KeyErrorFactory = (code, message) => new EstimatorError(code, message),
): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw makeError('INVALID_OPTIONS', `${api}: options must be an object. Received ${describeValue(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearestKey(key, known);
    const hint = near === undefined ? '' : ` Did you mean ${JSON.stringify(near)}?`;
    const list = known.map((k) => JSON.stringify(k)).join(', ');
    throw makeError(
      'UNKNOWN_OPTION',
      `${api}: unknown option ${JSON.stringify(key)}.${hint} Known options: ${list || 'none'}.`,
    );
  }
}

/**
 * The option names of an options interface, checked by the compiler to be every key of `T` and nothing else: adding a
 * field to the interface without listing it is a type error, so a new option is never refused as unknown.
 * @example
 *   const KEYS = keysOf<{ a?: number; b?: string }>()(['a', 'b']);
 */
export function keysOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    keys: K &
      ([Exclude<keyof T & string, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> }),
  ): readonly string[] => keys;
}
