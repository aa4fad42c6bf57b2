#!/usr/bin/env node
/**
 * `pnpm mnist:cluster --workers N [--no_evaluator] [mnist flags]`: the MNIST example as a local TF_CONFIG cluster —
 * the chief and N−1 workers train in sync (gRPC all-reduce), an evaluator evaluates each new checkpoint — through
 * `runLocalCluster` (what `estimatorjs-cluster` runs). Every other flag goes to each task's `mnist train`.
 */
import { fileURLToPath } from 'node:url';
import { runLocalCluster } from '@estimatorjs/experiment/node';

function splitArgs(argv: readonly string[]): { workers: number; evaluator: boolean; rest: string[] } {
  let workers = 2;
  let evaluator = true;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--workers' || a.startsWith('--workers=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      workers = Number(v);
      if (!Number.isInteger(workers) || workers < 1) {
        console.error(`mnist:cluster: --workers must be an integer >= 1. Received ${JSON.stringify(v)}.`);
        process.exit(2);
      }
    } else if (a === '--no_evaluator') evaluator = false;
    else rest.push(a);
  }
  return { workers, evaluator, rest };
}

const { workers, evaluator, rest } = splitArgs(process.argv.slice(2));
const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
// One wasm thread per task unless asked: N processes share the machine's cores.
const threads = rest.some((a) => a.startsWith('--threads')) ? [] : ['--threads', '1'];
runLocalCluster({
  workers,
  evaluator,
  // V8 counts the megabytes gRPC allocates each step towards its next mark-compact; a larger heap growth factor
  // keeps those from costing the exchange most of its CPU time (docs/distributed.md, Throughput).
  command: [process.execPath, '--heap-growing-percent=400', cli, 'train', ...threads, ...rest],
  signal: controller.signal,
})
  .then((result) => {
    const restarted = Object.entries(result.restarts).filter(([, n]) => n > 0);
    console.log(
      `mnist:cluster: ${result.tasks.map((t) => t.name).join(', ')} finished${restarted.length ? ` (restarts: ${restarted.map(([t, n]) => `${t} ×${n}`).join(', ')})` : ''}.`,
    );
  })
  .catch((e: unknown) => {
    console.error((e as Error).message ?? String(e));
    process.exit(1);
  });
