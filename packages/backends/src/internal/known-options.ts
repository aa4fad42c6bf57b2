/**
 * The option names each public options object of @estimatorjs/backends accepts, held by `keysOf` so the compiler
 * refuses a list that misses a field. Owns: refusing unknown option keys (`{ thread: 4 }` names `threads`) so a
 * misspelled option is never silently ignored. Does not own: checking the options' values (the providers).
 */
import { checkKnownKeys, keysOf } from '@estimatorjs/errors';
import { BackendError } from '../backend-error.js';
import type { BackendOptions } from '../backend-provider.js';
import type { CompareTolerance } from '../conformance/compare-runs.js';
import type { TrainReferenceOptions } from '../conformance/train-reference.js';
import type { TfjsWasmOptions } from '../vite/index.js';

export const KNOWN_OPTIONS = {
  backend: keysOf<BackendOptions>()(['threads', 'wasmPaths', 'trainingKernels', 'gpu']),
  tfjsWasm: keysOf<TfjsWasmOptions>()(['dir', 'crossOriginIsolation']),
  trainReference: keysOf<TrainReferenceOptions>()(['model', 'steps', 'seed', 'optimizer', 'batch']),
  compareTolerance: keysOf<CompareTolerance>()(['rtol', 'atol']),
} as const;

/**
 * Throws one BackendError (code `INVALID_OPTIONS`, the package's code for a bad option) unless `options` is undefined
 * or an object holding only `known` keys; the message names the API, the key and the nearest known one.
 */
export function checkOptionKeys(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(api, options, known, (_code, message) => new BackendError('INVALID_OPTIONS', message));
}
