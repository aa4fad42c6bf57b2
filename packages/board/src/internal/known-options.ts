/**
 * The option names each public options object of @estimatorjs/board accepts, held by `keysOf` so the compiler refuses
 * a list that misses a field. Owns: refusing unknown option keys (`{ log_dir }` names `logdir`) so a misspelled option
 * is never silently ignored. Does not own: checking the options' values.
 */
import { checkKnownKeys, keysOf } from '@estimatorjs/errors';
import type { IndexedDbOptions } from '@estimatorjs/summary';
import type { BoardOptions } from '../board-server.js';
import type { ScalarChartOptions } from '../components/scalar-chart.js';
import { BoardError } from '../errors.js';
import type { LogdirIndexOptions } from '../logdir-index.js';

export const KNOWN_OPTIONS = {
  startBoard: keysOf<BoardOptions>()([
    'logdir',
    'port',
    'host',
    'pollMs',
    'workers',
    'pageDir',
    'indexDir',
    'beforeRead',
  ]),
  logdirIndex: keysOf<LogdirIndexOptions>()(['workers', 'indexDir', 'beforeRead']),
  scalarChart: keysOf<ScalarChartOptions>()(['color', 'width', 'height', 'onZoom', 'download']),
  indexedDb: keysOf<IndexedDbOptions>()(['dbName', 'indexedDB']),
} as const;

/**
 * Throws one BoardError unless `options` is undefined or an object holding only `known` keys; the message names the
 * API, the key and the nearest known one. Codes: `UNKNOWN_OPTION`, `BOARD_ARGUMENT` (not an object).
 */
export function checkOptionKeys(api: string, options: unknown, known: readonly string[]): void {
  checkKnownKeys(
    api,
    options,
    known,
    (code, message) => new BoardError(code === 'INVALID_OPTIONS' ? 'BOARD_ARGUMENT' : code, message),
  );
}
