import { EstimatorError } from '@estimatorjs/errors';

/**
 * Stable codes carried by {@link NativeBackendError}.
 *
 * - `NATIVE_ADDON_NOT_BUILT`: the addon file is missing (libdnnl-dev was absent when the package was built).
 * - `NATIVE_ADDON_LOAD_FAILED`: the addon is there but cannot load (most often: `libdnnl.so.2` is not installed).
 * - `NATIVE_NO_WASM`: `@tensorflow/tfjs-backend-wasm`, whose memory and kernels the native backend runs on, is missing.
 * - `INVALID_OPTIONS`: an option of {@link registerNativeBackend} is out of range.
 */
export type NativeBackendErrorCode =
  | 'NATIVE_ADDON_NOT_BUILT'
  | 'NATIVE_ADDON_LOAD_FAILED'
  | 'NATIVE_NO_WASM'
  | 'INVALID_OPTIONS';

/**
 * The one error type thrown by `@estimatorjs/native`: one line that says what failed and what to install or run.
 *
 * @example
 * ```ts
 * import { NativeBackendError, registerNativeBackend } from '@estimatorjs/native';
 * try {
 *   await registerNativeBackend();
 * } catch (e) {
 *   if (e instanceof NativeBackendError) console.warn(e.message);
 *   else throw e;
 * }
 * ```
 */
export class NativeBackendError extends EstimatorError {
  /** Stable code for programmatic handling. */
  declare readonly code: NativeBackendErrorCode;

  constructor(code: NativeBackendErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'NativeBackendError';
  }
}
