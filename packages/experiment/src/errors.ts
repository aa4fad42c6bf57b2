/** Base class of every error @estimatorjs/experiment throws; `code` is stable across versions. */
export class ExperimentError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExperimentError';
    this.code = code;
  }
}
