#!/usr/bin/env node
// pnpm bench:cluster — synchronous data parallelism on this machine: the reference CNN (examples/mnist) on wasm with
// 1 thread, 1 worker × batch 64 vs a local cluster of 2 workers × batch 64 (global 128, gRPC ring all-reduce).
// Reports global throughput (examples/s) of each, their ratio, the all-reduce time per step and the gradient bytes
// each replica sends per step, and the exchange alone (wall and CPU time of the same runs).
// Usage: node bench/cluster/run.mjs [--steps N] [--warmup N] [--reps N] [--exchange-only] [--dist PATH] [--chunk-bytes N]
// --exchange-only skips the training runs and measures the transport alone on the CNN's gradient size; --dist PATH
// takes the experiment package's dist/node/index.js from elsewhere (another checkout, for before/after);
// --chunk-bytes sets CollectiveAllReduce's pipelineChunkBytes in the exchange-only replicas.
// Build first: the root `pnpm bench:cluster` script does.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? Number(args[args.indexOf(`--${f}`) + 1]) : d);
const steps = opt('steps', 12);
const warmup = opt('warmup', 2);
const reps = opt('reps', 10);
const exchangeOnly = args.includes('--exchange-only');
const chunkBytes = opt('chunk-bytes', 0);
/** The reference CNN's trainable values (examples/mnist): the vector each step all-reduces. */
const CNN_VALUES = 590_938;
const task = fileURLToPath(new URL('./task.mjs', import.meta.url));
const exchangeTask = fileURLToPath(new URL('./exchange-task.mjs', import.meta.url));
const distArg = args.indexOf('--dist') >= 0 ? args[args.indexOf('--dist') + 1] : null;
const dist = distArg
  ? new URL(`file://${distArg.startsWith('/') ? distArg : join(process.cwd(), distArg)}`).href
  : new URL('../../packages/experiment/dist/node/index.js', import.meta.url).href;
const { localClusterTasks, runLocalCluster } = await import(dist);
const root = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
const log = (line) => process.stderr.write(`${line}\n`);
const lastJson = (lines) => JSON.parse(lines.filter((l) => l.trim().startsWith('{')).pop());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The exchange alone: two replica processes (chief:0 and worker:0, no model) all-reduce a vector of the CNN's
 * gradient size over loopback gRPC, back to back, so the transport's cost is separated from waiting for the slower
 * replica's backward pass. Wall and CPU time come from the same all-reduces; `--dist` measures another build.
 */
async function measureExchange(numValues) {
  const tasks = await localClusterTasks(2, false);
  const spec = JSON.stringify(JSON.parse(tasks[0].tfConfig).cluster);
  const runs = await Promise.all(
    tasks.map(
      (t) =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, [
            exchangeTask,
            dist,
            spec,
            t.type,
            String(t.index),
            String(numValues),
            String(reps),
            ...(chunkBytes ? [String(chunkBytes)] : []),
          ]);
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.stderr.on('data', (d) => (stderr += d));
          child.on('exit', (code) =>
            code === 0
              ? resolve(lastJson(stdout.split('\n')))
              : reject(new Error(`${t.type}:${t.index} failed: ${stderr}`)),
          );
        }),
    ),
  );
  const [a, b] = runs;
  // Per all-reduce: the wall time is the slower replica's, the CPU time both replicas' together.
  const wall = a.wallMs.map((w, i) => Math.max(w, b.wallMs[i]));
  const cpu = a.cpuMs.map((c, i) => c + b.cpuMs[i]);
  return {
    numValues,
    reps,
    wallMsMedian: median(wall),
    wallMsMin: Math.min(...wall),
    cpuMsMedian: median(cpu),
    bytesSentPerStep: a.bytesSentPerStep,
  };
}

try {
  let one = null;
  let chief = null;
  if (!exchangeOnly) {
    log(`cluster bench: ${steps} steps (${warmup} warm-up), 1 worker alone…`);
    const alone = spawnSync(process.execPath, [task, join(root, 'one'), String(steps), String(warmup)], {
      encoding: 'utf8',
      env: { ...process.env, TF_CONFIG: '' },
    });
    if (alone.status !== 0) throw new Error(`the single worker failed: ${alone.stderr}`);
    one = lastJson(alone.stdout.split('\n'));
    log('cluster bench: 2 workers (chief:0 + worker:0)…');
    const lines = [];
    await runLocalCluster({
      workers: 2,
      command: [process.execPath, task, join(root, 'two'), String(steps), String(warmup)],
      env: process.env,
      output: (l) => lines.push(l),
      maxRestarts: 0,
    });
    chief = lastJson(lines.filter((l) => l.startsWith('[chief:0')).map((l) => l.slice(l.indexOf(']') + 2)));
  }
  // With 2 replicas each sends half the vector twice per step: bytes / 4 values.
  const numValues = chief ? Math.round(chief.allReduce.bytesSent / chief.allReduce.steps / 4) : CNN_VALUES;
  log(`cluster bench: the exchange alone, ${numValues} values, ${reps} all-reduces…`);
  const exchange = await measureExchange(numValues);
  const result = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    loadAverage1m: loadavg()[0],
    exchange,
  };
  const md = [];
  if (one && chief) {
    const oneRate = (one.batch * one.timedSteps) / one.secs;
    const twoRate = (chief.batch * chief.replicas * chief.timedSteps) / chief.secs;
    const s = chief.allReduce;
    const x = chief.exchange;
    Object.assign(result, {
      model: one.model,
      steps,
      warmup,
      oneWorker: { examplesPerSec: oneRate, secsPerStep: one.secs / one.timedSteps },
      twoWorkers: {
        examplesPerSec: twoRate,
        secsPerStep: chief.secs / chief.timedSteps,
        // Timed by the task around each allReduceMean after the warm-up steps.
        allReduceMsPerStep: x.wallMs / x.steps,
        allReduceCpuMsPerStep: x.cpuMs / x.steps,
        bytesSentPerStep: s.bytesSent / s.steps,
        gradientValues: numValues,
      },
      throughputRatio: twoRate / oneRate,
    });
    const two = result.twoWorkers;
    md.push(
      `### Synchronous data parallelism (${result.model}, wasm 1 thread per worker, ${result.cpus} CPUs, load ${result.loadAverage1m.toFixed(1)})`,
      '',
      '| | examples/s | s/step | all-reduce ms/step (wall) | all-reduce CPU ms/step | bytes sent/step/replica |',
      '|---|---|---|---|---|---|',
      `| 1 worker × 64 | ${oneRate.toFixed(1)} | ${result.oneWorker.secsPerStep.toFixed(2)} | – | – | – |`,
      `| 2 workers × 64 | ${twoRate.toFixed(1)} | ${two.secsPerStep.toFixed(2)} | ${two.allReduceMsPerStep.toFixed(1)} | ${two.allReduceCpuMsPerStep.toFixed(1)} | ${Math.round(two.bytesSentPerStep)} |`,
      '',
      `Global throughput ratio (2 workers / 1 worker): **${result.throughputRatio.toFixed(2)}×** (target ≥ 1.7× on an idle 2-core machine).`,
      '',
    );
  }
  md.push(
    `Exchange alone (${numValues} float32 values, 2 replica processes, loopback gRPC, median of ${reps}): ` +
      `**${exchange.wallMsMedian.toFixed(1)} ms wall** (min ${exchange.wallMsMin.toFixed(1)}), ` +
      `${exchange.cpuMsMedian.toFixed(1)} ms CPU for both processes, ${Math.round(exchange.bytesSentPerStep)} bytes sent per replica.`,
  );
  console.log(md.join('\n'));
  const out = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, exchangeOnly ? 'cluster-exchange-latest.json' : 'cluster-latest.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
