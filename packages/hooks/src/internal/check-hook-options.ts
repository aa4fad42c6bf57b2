import { checkKnownKeys } from '@estimatorjs/errors';
import { HookError } from '../errors.js';

/** Refuses unknown option keys of a hook's constructor, naming the nearest known one (`every_n_iter` → `every`?). */
export function checkHookOptions(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(api, options, known, (code, message) => new HookError(code, message));
}
