import { EstimatorError } from '@estimatorjs/errors';

/**
 * Stable machine-readable codes carried by {@link BackendError}.
 *
 * - `unknown-backend`: the name is not one of {@link BACKEND_NAMES}.
 * - `backend-not-installed`: the tfjs backend package is not installed.
 * - `backend-unavailable`: the package is there but cannot run on this platform.
 * - `backend-init-failed`: tfjs could not initialise the backend.
 * - `invalid-options`: an option passed to `useBackend()` is out of range.
 */
export type BackendErrorCode =
  | 'unknown-backend'
  | 'backend-not-installed'
  | 'backend-unavailable'
  | 'backend-init-failed'
  | 'invalid-options';

/**
 * The one error type thrown by `@estimatorjs/backends`. The message is one line that says what was
 * asked, why it cannot be done and how to fix it; `code` is stable across releases.
 *
 * @example
 * ```ts
 * import { BackendError, useBackend } from '@estimatorjs/backends';
 * try {
 *   await useBackend('tensorflow');
 * } catch (e) {
 *   if (e instanceof BackendError && e.code === 'backend-not-installed') await useBackend('wasm');
 *   else throw e;
 * }
 * ```
 */
export class BackendError extends EstimatorError {
  /** Stable code for programmatic handling. */
  declare readonly code: BackendErrorCode;

  constructor(code: BackendErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BackendError';
  }
}
