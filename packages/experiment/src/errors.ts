import { EstimatorError } from '@estimatorjs/errors';

/**
 * Base class of every error @estimatorjs/experiment throws; `code` is stable across versions.
 * @example
 *   if (caught instanceof ExperimentError) console.error(caught.code, caught.message);
 */
export class ExperimentError extends EstimatorError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ExperimentError';
  }
}

/**
 * A bad command line flag; `code` is `'BAD_FLAG'` so CLIs can exit with status 2. Its message is one line.
 * @example
 *   try { defineFlags({ 'Model-Dir': { type: 'path', help: 'x' } }); } catch (e) { if (e instanceof FlagError) console.error(e.message); }
 */
export class FlagError extends ExperimentError {
  constructor(message: string) {
    super('BAD_FLAG', message);
    this.name = 'FlagError';
  }
}
