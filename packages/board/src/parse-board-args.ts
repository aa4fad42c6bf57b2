/** The board's command-line flags. */
import type { BoardOptions, startBoard } from './board-server.js';
import { BoardError } from './errors.js';

/** The flags as {@link startBoard} options, but `indexDir: null` for `--no-index` (no persistent index). */
export type BoardArgs = Omit<BoardOptions, 'indexDir'> & { readonly indexDir?: string | null };

/**
 * Parses `--logdir DIR [--port N] [--host H] [--poll-ms N] [--index-dir DIR | --no-index]` (also `--flag=value`);
 * `'help'` for `-h`/`--help`. `indexDir` is absent unless given (the bin picks its default); `--no-index` gives
 * `indexDir: null`.
 * @example
 *   parseBoardArgs(['--logdir', './mnist_training', '--port', '7000']); // { logdir: './mnist_training', port: 7000 }
 */
export function parseBoardArgs(argv: readonly string[]): BoardArgs | 'help' {
  const values: Record<string, string> = {};
  let noIndex = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--no-index') {
      noIndex = true;
      continue;
    }
    const m = /^--(logdir|port|host|poll-ms|index-dir)(?:=(.*))?$/.exec(arg);
    if (!m) {
      throw new BoardError(
        'BOARD_ARGUMENT',
        `estimatorjs-board: unknown argument '${arg}'; expected --logdir DIR [--port N] [--host H] [--poll-ms N] [--index-dir DIR | --no-index].`,
      );
    }
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') {
      throw new BoardError('BOARD_ARGUMENT', `estimatorjs-board: --${m[1]} needs a value, received none.`);
    }
    values[m[1]!] = value;
  }
  if (values.logdir === undefined) {
    throw new BoardError(
      'BOARD_ARGUMENT',
      'estimatorjs-board: --logdir DIR is required (the model_dir of a run, or a folder of runs).',
    );
  }
  return {
    logdir: values.logdir,
    ...(values.port !== undefined && { port: integer('port', values.port) }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values['poll-ms'] !== undefined && { pollMs: integer('poll-ms', values['poll-ms']) }),
    ...(values['index-dir'] !== undefined && { indexDir: values['index-dir'] }),
    ...(noIndex && { indexDir: null }),
  };
}

function integer(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) {
    throw new BoardError(
      'BOARD_ARGUMENT',
      `estimatorjs-board: --${flag} must be a non-negative integer, received '${value}'.`,
    );
  }
  return Number(value);
}
