import { EstimatorError } from '@estimatorjs/errors';

/**
 * Stable machine-readable codes carried by {@link BackendError}.
 *
 * - `UNKNOWN_BACKEND`: the name is not one of {@link BACKEND_NAMES}.
 * - `BACKEND_NOT_INSTALLED`: the tfjs backend package is not installed.
 * - `BACKEND_UNAVAILABLE`: the package is there but cannot run on this platform.
 * - `BACKEND_INIT_FAILED`: tfjs could not initialise the backend.
 * - `INVALID_OPTIONS`: an option passed to `useBackend()` is out of range.
 * - `GRADIENTS_NOT_INSTALLED`: in Node, `@tensorflow/tfjs-layers` (where the gradients come from) is not installed.
 * - `WASM_NOT_FOUND`: in a page, a `.wasm` binary of tfjs-backend-wasm is not served where it was looked for.
 * - `INVALID_KERNEL_INPUT`: a kernel of this package was called with inputs it does not take (dtype, shape).
 */
export type BackendErrorCode =
  | 'UNKNOWN_BACKEND'
  | 'BACKEND_NOT_INSTALLED'
  | 'BACKEND_UNAVAILABLE'
  | 'BACKEND_INIT_FAILED'
  | 'INVALID_OPTIONS'
  | 'GRADIENTS_NOT_INSTALLED'
  | 'WASM_NOT_FOUND'
  | 'INVALID_KERNEL_INPUT';

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
 *   if (e instanceof BackendError && e.code === 'BACKEND_NOT_INSTALLED') await useBackend('wasm');
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
