/** Base class of every error this package throws; `code` is stable across versions. */
export class HookError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HookError';
    this.code = code;
  }
}
