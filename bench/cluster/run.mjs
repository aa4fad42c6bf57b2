#!/usr/bin/env node
// pnpm bench:cluster — synchronous data parallelism on this machine: the reference CNN (examples/mnist) on wasm with
// 1 thread, 1 worker × batch 64 vs a local cluster of 2 workers × batch 64 (global 128, gRPC ring all-reduce).
// Reports global throughput (examples/s) of each, their ratio, the all-reduce time per step and the gradient bytes
// each replica sends per step. Usage: node bench/cluster/run.mjs [--steps N] [--warmup N]
// Build first: the root `pnpm bench:cluster` script does.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? Number(args[args.indexOf(`--${f}`) + 1]) : d);
const steps = opt('steps', 12);
const warmup = opt('warmup', 2);
const task = fileURLToPath(new URL('./task.mjs', import.meta.url));
const { CollectiveAllReduce, localClusterTasks, runLocalCluster } = await import(
  new URL('../../packages/experiment/dist/node/index.js', import.meta.url).href
);
const root = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
const log = (line) => process.stderr.write(`${line}\n`);
const lastJson = (lines) => JSON.parse(lines.filter((l) => l.trim().startsWith('{')).pop());

try {
  log(`cluster bench: ${steps} steps (${warmup} warm-up), 1 worker alone…`);
  const alone = spawnSync(process.execPath, [task, join(root, 'one'), String(steps), String(warmup)], {
    encoding: 'utf8',
    env: { ...process.env, TF_CONFIG: '' },
  });
  if (alone.status !== 0) throw new Error(`the single worker failed: ${alone.stderr}`);
  const one = lastJson(alone.stdout.split('\n'));
  log('cluster bench: 2 workers (chief:0 + worker:0)…');
  const lines = [];
  await runLocalCluster({
    workers: 2,
    command: [process.execPath, task, join(root, 'two'), String(steps), String(warmup)],
    env: process.env,
    output: (l) => lines.push(l),
    maxRestarts: 0,
  });
  const chief = lastJson(lines.filter((l) => l.startsWith('[chief:0')).map((l) => l.slice(l.indexOf(']') + 2)));
  // The exchange alone: two replicas in this process (one thread serves both ends) reduce a vector of the CNN's
  // gradient size, so the transport's cost is separated from waiting for the slower replica.
  const numValues = Math.round(chief.allReduce.bytesSent / chief.allReduce.steps / 4);
  const tasks = await localClusterTasks(2, false);
  const clusterSpec = JSON.parse(tasks[0].tfConfig).cluster;
  const pair = tasks.map(
    (t) => new CollectiveAllReduce({ clusterSpec, taskType: t.type, taskId: t.index, log: () => {} }),
  );
  await Promise.all(pair.map((r) => r.start({ globalStep: 0, numValues, weightsDigest: 0 })));
  const reps = 5;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    await Promise.all(pair.map((r) => r.allReduceMean(new Float32Array(numValues).fill(r.replicaIndex), i)));
  }
  const exchangeMs = (performance.now() - t0) / reps;
  await Promise.all(pair.map((r) => r.end()));
  const oneRate = (one.batch * one.timedSteps) / one.secs;
  const twoRate = (chief.batch * chief.replicas * chief.timedSteps) / chief.secs;
  const result = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    model: one.model,
    steps,
    warmup,
    oneWorker: { examplesPerSec: oneRate, secsPerStep: one.secs / one.timedSteps },
    twoWorkers: {
      examplesPerSec: twoRate,
      secsPerStep: chief.secs / chief.timedSteps,
      allReduceMsPerStep: chief.allReduce.allReduceMs / chief.allReduce.steps,
      bytesSentPerStep: chief.allReduce.bytesSent / chief.allReduce.steps,
      gradientValues: numValues,
      exchangeOnlyMs: exchangeMs,
    },
    throughputRatio: twoRate / oneRate,
  };
  const md = [
    `### Synchronous data parallelism (${result.model}, wasm 1 thread per worker, ${result.cpus} CPUs)`,
    '',
    '| | examples/s | s/step | all-reduce ms/step | bytes sent/step/replica |',
    '|---|---|---|---|---|',
    `| 1 worker × 64 | ${oneRate.toFixed(1)} | ${result.oneWorker.secsPerStep.toFixed(2)} | – | – |`,
    `| 2 workers × 64 | ${twoRate.toFixed(1)} | ${result.twoWorkers.secsPerStep.toFixed(2)} | ${result.twoWorkers.allReduceMsPerStep.toFixed(1)} | ${Math.round(result.twoWorkers.bytesSentPerStep)} |`,
    '',
    `All-reduce of the ${numValues} gradient values alone (2 replicas in one process, loopback gRPC): ${exchangeMs.toFixed(0)} ms; the rest of the all-reduce time per step is waiting for the slower replica.`,
    '',
    `Global throughput ratio (2 workers / 1 worker): **${result.throughputRatio.toFixed(2)}×** (target ≥ 1.7× on an idle 2-core machine).`,
  ].join('\n');
  console.log(md);
  const out = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'cluster-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
