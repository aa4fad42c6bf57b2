import { describeValue } from './describe-value.js';
import { EstimatorError } from './estimator-error.js';

/** Lowercase without `_`/`-`: `model_dir`, `ModelDir` and `modelDir` are the same key to a reader. */
function normalize(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known key a misspelled one most likely meant: the same key in another case (`model_dir` → `modelDir`), a key it abbreviates (`std` → `stddev`), else
 * the closest by edit distance when it is close enough to be a typo (at most a third of the key's length, min 2).
 * @example
 *   nearestKey('model_dir', ['modelDir', 'randomSeed']); // 'modelDir'
 */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  const n = normalize(key);
  const sameWord = known.find((k) => normalize(k) === n);
  if (sameWord !== undefined) return sameWord;
  // An abbreviation or a truncated key (`std` → `stddev`, `lr` is too short to guess from).
  const prefixOf = n.length >= 3 ? known.find((k) => normalize(k).startsWith(n)) : undefined;
  if (prefixOf !== undefined) return prefixOf;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(n.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(n, normalize(k));
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
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
