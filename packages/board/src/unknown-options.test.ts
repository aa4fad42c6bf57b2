import { describe, expect, it } from 'vitest';
import { startBoard } from './board-server.js';
import { ScalarChart } from './components/scalar-chart.js';
import { readIndexedDbRuns } from './components/scalars-from-events.js';
import { BoardError } from './errors.js';
import { LogdirIndex } from './logdir-index.js';

async function errorOf(fn: () => unknown): Promise<BoardError> {
  try {
    await fn();
  } catch (e) {
    return e as BoardError;
  }
  throw new Error('expected an error');
}

describe('board options refuse unknown keys, naming the nearest known one', () => {
  // The key check comes first: no logdir, server or DOM is touched before it.
  const cases: [string, () => unknown, RegExp][] = [
    [
      'startBoard',
      () => startBoard({ logdir: '.', poll_ms: 0 } as never),
      /^startBoard\(\): unknown option "poll_ms"\. Did you mean "pollMs"\? Known options: "logdir", "port", "host", "pollMs", "workers", "pageDir", "indexDir", "beforeRead"\.$/,
    ],
    [
      'startBoard (TensorBoard name)',
      () => startBoard({ log_dir: '.' } as never),
      /^startBoard\(\): unknown option "log_dir"\. Did you mean "logdir"\?/,
    ],
    [
      'LogdirIndex',
      () => new LogdirIndex('.', { worker: 2 } as never),
      /^new LogdirIndex\(\): unknown option "worker"\. Did you mean "workers"\?/,
    ],
    [
      'ScalarChart',
      () => new ScalarChart('loss', { color: () => '#000', colour: '#000' } as never),
      /^new ScalarChart\(\): unknown option "colour"\. Did you mean "color"\?/,
    ],
    [
      'readIndexedDbRuns',
      () => readIndexedDbRuns('runs', { dbname: 'x' } as never),
      /^readIndexedDbRuns\(\): unknown option "dbname"\. Did you mean "dbName"\?/,
    ],
  ];
  it.each(cases)('%s', async (_name, fn, message) => {
    const e = await errorOf(fn);
    expect(e).toBeInstanceOf(BoardError);
    expect(e.code).toBe('UNKNOWN_OPTION');
    expect(e.message).toMatch(message);
  });

  it('options that are not an object are BOARD_ARGUMENT', async () => {
    const e = await errorOf(() => new LogdirIndex('.', 4 as never));
    expect(e.code).toBe('BOARD_ARGUMENT');
    expect(e.message).toBe('new LogdirIndex(): options must be an object. Received 4.');
  });
});
