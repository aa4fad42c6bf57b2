import { checkKnownKeys } from '@estimatorjs/errors';
import { ConfigError, ModelFnError } from '../errors.js';

/**
 * Throws unless `options` is undefined or an object holding only `known` keys: a misspelled option (`weight`,
 * `learning_rate`) must never be silently ignored. The message names the nearest known key (the shared
 * `checkKnownKeys` of @estimatorjs/errors). Model_fn APIs (losses, layers, optimizers) throw a ModelFnError.
 */
export function checkOptionKeys(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(
    api,
    options,
    known,
    (code, message) => new ModelFnError(code === 'INVALID_OPTIONS' ? 'INVALID_ARGUMENT' : code, message),
  );
}

/** {@link checkOptionKeys} for configuration objects (RunConfig, Estimator, train/evaluate/predict): a ConfigError. */
export function checkConfigKeys(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(api, options, known, (code, message) => new ConfigError(code, message));
}
