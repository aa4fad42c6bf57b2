import { EstimatorError } from '@estimatorjs/errors';

/**
 * Every error `@estimatorjs/board` throws; `code` is stable across versions.
 *
 * Codes: `BOARD_ARGUMENT` (a bad option or command-line flag), `BOARD_LOGDIR` (the logdir is missing or not a
 * directory), `BOARD_LISTEN` (no port could be bound).
 * @example
 *   try { await startBoard({ logdir: '/nope' }); } catch (e) { if (e instanceof BoardError) console.error(e.code); }
 */
export class BoardError extends EstimatorError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'BoardError';
  }
}
