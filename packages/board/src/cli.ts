#!/usr/bin/env node
/**
 * `estimatorjs-board --logdir DIR [--port N] [--host H] [--poll-ms N] [--index-dir DIR | --no-index]`: TensorBoard's
 * scalars without Python. Owns: flag parsing, the persistent index's default place (`$XDG_CACHE_HOME/estimatorjs-board`,
 * else `~/.cache/estimatorjs-board`: never inside the logdir) and the printed URL. Everything else is startBoard's.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startBoard } from './board-server.js';
import { parseBoardArgs } from './parse-board-args.js';

async function main(): Promise<void> {
  const args = parseBoardArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(
      'usage: estimatorjs-board --logdir DIR [--port N (default 6006)] [--host H (default 127.0.0.1)] [--poll-ms N]\n' +
        '         [--index-dir DIR (default $XDG_CACHE_HOME/estimatorjs-board) | --no-index]',
    );
    return;
  }
  const started = performance.now();
  const { indexDir, ...rest } = args;
  const dir = indexDir === undefined ? defaultIndexDir() : indexDir;
  const board = await startBoard({ ...rest, ...(dir === null ? {} : { indexDir: dir }) });
  if (args.host !== undefined && !['127.0.0.1', 'localhost', '::1'].includes(args.host)) {
    console.warn(`warning: --host ${args.host} serves the event files under ${args.logdir} to the network.`);
  }
  console.log(`Open ${board.url}   (Ctrl+C to stop; the page fills in as the event files are read)`);
  board.indexed.then(() => {
    const { files } = board.index.progress();
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `estimatorjs-board: read ${board.index.runs().length} run(s), ${files} file(s) under ${args.logdir} in ${secs} s`,
    );
  });
  const stop = () => {
    board.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function defaultIndexDir(): string {
  const cache = process.env.XDG_CACHE_HOME;
  return join(cache !== undefined && cache !== '' ? cache : join(homedir(), '.cache'), 'estimatorjs-board');
}

main().catch((e: unknown) => {
  console.error(`estimatorjs-board: ${(e as Error).message}`);
  process.exit(2);
});
