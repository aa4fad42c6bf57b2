import { checkKnownKeys } from '@estimatorjs/errors';
import { ExperimentError } from '../errors.js';

/** Refuses unknown option keys (TF's `max_steps`, `throttle_secs`), naming the nearest known one. */
export function checkOptions(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(api, options, known, (code, message) => new ExperimentError(code, message));
}
