#!/usr/bin/env node
/**
 * `estimatorjs-board --logdir DIR [--port N] [--host H] [--poll-ms N]`: TensorBoard's scalars without Python.
 * Owns: flag parsing and the printed URL. Everything else is startBoard's.
 */
import { startBoard } from './board-server.js';
import { parseBoardArgs } from './parse-board-args.js';

async function main(): Promise<void> {
  const args = parseBoardArgs(process.argv.slice(2));
  if (args === 'help') {
    console.log(
      'usage: estimatorjs-board --logdir DIR [--port N (default 6006)] [--host H (default 127.0.0.1)] [--poll-ms N]',
    );
    return;
  }
  const board = await startBoard(args);
  if (args.host !== undefined && !['127.0.0.1', 'localhost', '::1'].includes(args.host)) {
    console.warn(`warning: --host ${args.host} serves the event files under ${args.logdir} to the network.`);
  }
  console.log(`estimatorjs-board: ${board.index.runs().length} run(s) under ${args.logdir}`);
  console.log(`Open ${board.url}   (Ctrl+C to stop)`);
  const stop = () => {
    board.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(`estimatorjs-board: ${(e as Error).message}`);
  process.exit(2);
});
