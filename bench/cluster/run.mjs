#!/usr/bin/env node
// pnpm bench:cluster — synchronous data parallelism on this machine: the reference CNN (examples/mnist) on wasm with
// 1 thread per process, one worker alone vs a local cluster of 2 workers (chief:0 + worker:0, gRPC ring all-reduce).
//
// Which batches are compared, and why:
//   - scaling (the issue's acceptance figure): the same batch per worker, 1 × B vs 2 × B, for B = 64 and 128. Each
//     worker does the same work per step as the one alone, so the global throughput ratio is what a second worker
//     adds (2.0 at best); the target is ≥ 1.7 on an idle 2-core machine.
//   - same global batch: 1 × 128 vs 2 × 64, the pair the same-weights test compares (they train alike). Each worker
//     computes half the step, so the exchange weighs twice as much against the compute.
// Reported per configuration: global examples/s, s/step, each worker's CPU ms per step (all threads: wasm, GC, the
// exchange; robust while the machine is shared), and for 2 workers the all-reduce's wall and CPU ms per step and the
// gradient bytes each replica sends, and where its waiting went (skew: one replica reached the all-reduce later;
// exchange latency: once both had, until the last left; compute CPU skew: the part of the skew that was unequal work,
// not scheduling). From the CPU figures, the "CPU-bound" ratio (for the scaling pairs
// 2 · cpu(1 × B) / cpu(2 × B)): the throughput ratio an idle 2-core machine would show if no worker ever waited. Then the exchange
// alone (two processes all-reducing the CNN's gradient vector back to back).
// Every round also runs two single workers at once, each pinned to its own CPU (`taskset`, where present): how fast
// each CPU computes the step while the other is busy. A synchronous step waits for the slower replica, so the per-round
// table shows the measured scaling beside that round's ceiling, 2 · t(1 × 128) / max(t(CPU 0), t(CPU 1)).
// Every configuration runs `--rounds` times, alternating (A B C … A B C …); the table shows each one's best round.
// Steady state: the first `--warmup` steps of every run are not timed.
// V8: every task process sets --heap-growing-percent=`--heap-growing-percent` (default 400; 0 keeps V8's default),
// alike for 1 and 2 workers; with a value > 0 the 1 × 128 and 2 × 128 pair also runs with V8's default, for contrast
// (docs/distributed.md explains why this flag matters for the exchange).
// Usage: node bench/cluster/run.mjs [--steps N (30)] [--warmup N (3)] [--rounds N (3)] [--reps N (20)]
//        [--heap-growing-percent N (400)]
//        [--exchange-only] [--dist PATH] [--compare PATH] [--quick] [--chunk-bytes N]
// --exchange-only skips the training runs; --dist PATH takes the experiment package's dist/node/index.js from
// elsewhere (another checkout, for before/after), in the training tasks too; --compare PATH runs every training
// configuration with that build as well, in the same alternating rounds (before/after on one machine at one time);
// --quick runs the 1 × 128 and 2 × 128 pair only (2 × 128 twice: the exchange after the backward pass, CollectiveAllReduce's
// default, and on a worker thread overlapped with it, `thread: true`; the full run has both too); --chunk-bytes sets CollectiveAllReduce's pipelineChunkBytes in the
// exchange-only replicas. Build first: the root `pnpm bench:cluster` script does.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? Number(args[args.indexOf(`--${f}`) + 1]) : d);
const steps = opt('steps', 30);
const warmup = opt('warmup', 3);
const rounds = opt('rounds', 3);
const reps = opt('reps', 20);
const growing = opt('heap-growing-percent', 400);
const exchangeOnly = args.includes('--exchange-only');
const chunkBytes = opt('chunk-bytes', 0);
/** The reference CNN's trainable values (examples/mnist): the vector each step all-reduces. */
const CNN_VALUES = 590_938;
const task = fileURLToPath(new URL('./task.mjs', import.meta.url));
const exchangeTask = fileURLToPath(new URL('./exchange-task.mjs', import.meta.url));
const distArg = args.indexOf('--dist') >= 0 ? args[args.indexOf('--dist') + 1] : null;
const asUrl = (path) => new URL(`file://${path.startsWith('/') ? path : join(process.cwd(), path)}`).href;
const dist = distArg ? asUrl(distArg) : new URL('../../packages/experiment/dist/node/index.js', import.meta.url).href;
const compareArg = args.indexOf('--compare') >= 0 ? args[args.indexOf('--compare') + 1] : null;
const compare = compareArg ? asUrl(compareArg) : null;
const quick = args.includes('--quick');
/** `taskset` (util-linux) pins a process to a CPU; Node has no API for it. Without it the pinned pair is left out. */
const pinning = cpus().length >= 2 && spawnSync('taskset', ['-V']).status === 0;
const { localClusterTasks, runLocalCluster } = await import(dist);
const root = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
const log = (line) => process.stderr.write(`${line}\n`);
const lastJson = (lines) => JSON.parse(lines.filter((l) => l.trim().startsWith('{')).pop());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The configurations, in the order each round runs them; `--quick` keeps the 1 × 128 and 2 × 128 pair alone. */
const configs = [
  ...(quick
    ? []
    : [
        { workers: 1, batch: 64, growing },
        { workers: 2, batch: 64, growing },
      ]),
  { workers: 1, batch: 128, growing },
  { workers: 2, batch: 128, growing },
  // Two single workers at once, each pinned to its own CPU: how fast each CPU computes a step while the other is busy
  // too (the two replicas' situation), without an exchange. A synchronous step waits for the slower replica, so
  // 2 · t(1 × 128) / max(t(CPU 0), t(CPU 1)) is the most any synchronous 2-worker run can reach in that round.
  ...(pinning ? [{ workers: 1, batch: 128, growing, pinnedPair: true }] : []),
  // The exchange on a worker thread, overlapped with the backward pass (CollectiveAllReduce's `thread` option).
  { workers: 2, batch: 128, growing, thread: true },
  // The gradients through the loopback socket although both replicas share the host (`sameHostFiles: false`): what a
  // pair on two machines would pay for the transport itself, and the build before the files.
  { workers: 2, batch: 128, growing, socket: true },
  ...(growing > 0 && !quick
    ? [
        { workers: 1, batch: 128, growing: 0 },
        { workers: 2, batch: 128, growing: 0 },
      ]
    : []),
].flatMap((c) => [
  { ...c, dist },
  // --compare PATH: every configuration again with another build, in the same rounds (before/after, alternating).
  ...(compare && !c.thread ? [{ ...c, dist: compare, compared: true }] : []),
]);
const label = (c) =>
  c.pinnedPair
    ? `1 × ${c.batch} on CPU 0 and on CPU 1 at once (pinned, no exchange)`
    : `${c.workers} × ${c.batch}${c.growing === growing ? '' : ', V8 default heap growth'}${c.thread ? ', exchange on a thread (overlap)' : ''}${c.socket ? ', through the socket (no files)' : ''}${c.compared ? ` (${compareArg})` : ''}`;

/** Runs one bench process; resolves with the JSON of its last stdout line, rejects with its stderr. */
function runTask(file, argv, env, name) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(lastJson(stdout.split('\n'))) : reject(new Error(`${name} failed: ${stderr}`)),
    );
  });
}

/** One training run of `c`; the timing of each of its tasks. */
async function train(c, dir) {
  const command = [
    task,
    dir,
    String(steps + warmup),
    String(warmup),
    String(c.batch),
    String(c.growing),
    c.dist,
    c.thread ? '1' : c.socket ? 'socket' : '0',
  ];
  // A worker alone: without TF_CONFIG it trains as one process, no cluster.
  const alone = { ...process.env, TF_CONFIG: '' };
  if (c.pinnedPair) {
    // Each its own model directory: the two are independent trainings.
    const pinned = (cpu) =>
      runTask(
        'taskset',
        ['-c', String(cpu), process.execPath, ...command.map((a) => (a === dir ? `${dir}-cpu${cpu}` : a))],
        alone,
        `the worker on CPU ${cpu}`,
      );
    return Promise.all([pinned(0), pinned(1)]);
  }
  if (c.workers === 1) return [await runTask(process.execPath, command, alone, 'the single worker')];
  const lines = [];
  await runLocalCluster({
    workers: c.workers,
    command: [process.execPath, ...command],
    env: process.env,
    output: (l) => lines.push(l),
    maxRestarts: 0,
  });
  const of = (name) => lastJson(lines.filter((l) => l.startsWith(`[${name}`)).map((l) => l.slice(l.indexOf(']') + 2)));
  return [of('chief:0'), of('worker:0')];
}

/** The figures of one run: global rate from the chief's clock, CPU per step averaged over the workers. */
function figures(c, tasks) {
  if (c.pinnedPair) {
    const msPerStepByCpu = tasks.map((t) => (t.secs * 1000) / t.timedSteps);
    const slower = Math.max(...msPerStepByCpu);
    return {
      workers: 1,
      pinnedPair: true,
      batchPerWorker: c.batch,
      globalBatch: c.batch,
      heapGrowingPercent: c.growing,
      thread: false,
      // What a synchronous pair on these two CPUs could reach at most: both batches at the slower CPU's pace.
      examplesPerSec: (2 * c.batch * 1000) / slower,
      secsPerStep: slower / 1000,
      cpuMsPerStepPerWorker: tasks.reduce((s, t) => s + t.cpuMs / t.timedSteps, 0) / tasks.length,
      msPerStepByCpu,
    };
  }
  const [chief] = tasks;
  const perStep = (t, ms) => ms / t.timedSteps;
  const out = {
    workers: c.workers,
    batchPerWorker: c.batch,
    globalBatch: c.batch * c.workers,
    heapGrowingPercent: c.growing,
    thread: c.thread === true,
    socket: c.socket === true,
    examplesPerSec: (c.batch * c.workers * chief.timedSteps) / chief.secs,
    secsPerStep: chief.secs / chief.timedSteps,
    cpuMsPerStepPerWorker: tasks.reduce((s, t) => s + perStep(t, t.cpuMs), 0) / tasks.length,
  };
  if (c.workers > 1) {
    // Timed by the task around each allReduceMean after the warm-up steps; averaged over the workers.
    out.allReduceMsPerStep = tasks.reduce((s, t) => s + t.exchange.wallMs / t.exchange.steps, 0) / tasks.length;
    out.allReduceCpuMsPerStep = tasks.reduce((s, t) => s + t.exchange.cpuMs / t.exchange.steps, 0) / tasks.length;
    out.bytesSentPerStep = chief.allReduce.bytesSent / chief.allReduce.steps;
    // Builds before the same-host files have no such count.
    out.bytesThroughFilesPerStep = (chief.allReduce.bytesSentThroughFiles ?? 0) / chief.allReduce.steps;
    Object.assign(out, waiting(tasks[0].trace, tasks[1].trace));
  }
  return out;
}

/**
 * Where a 2-worker step's waiting goes, from each replica's timestamps around its all-reduces (one machine's clock):
 * `skewMsPerStep`, how much later one replica reached the all-reduce than the other (the earlier one waits that long);
 * `latencyMsPerStep`, from the moment both had reached it until the last left (the exchange itself: its CPU plus its
 * round trips); `computeCpuSkewMsPerStep`, how much the two replicas' CPU time between all-reduces differed (work one
 * did and the other did not in that step, such as a garbage collection: skew that an idle machine would show too).
 * The first timed step is left out (its compute began before the timing).
 */
function waiting(a, b) {
  const n = Math.min(a.length, b.length);
  let skew = 0;
  let latency = 0;
  let cpuSkew = 0;
  for (let i = 1; i < n; i++) {
    const [enterA, exitA, cpuEnterA] = a[i];
    const [enterB, exitB, cpuEnterB] = b[i];
    skew += Math.abs(enterA - enterB);
    latency += Math.max(exitA, exitB) - Math.max(enterA, enterB);
    cpuSkew += Math.abs(cpuEnterA - a[i - 1][3] - (cpuEnterB - b[i - 1][3]));
  }
  const k = Math.max(n - 1, 1);
  return { skewMsPerStep: skew / k, latencyMsPerStep: latency / k, computeCpuSkewMsPerStep: cpuSkew / k };
}

/**
 * The exchange alone: two replica processes (chief:0 and worker:0, no model) all-reduce a vector of the CNN's
 * gradient size over loopback gRPC, back to back, so the transport's cost is separated from waiting for the slower
 * replica's backward pass. Wall and CPU time come from the same all-reduces; `--dist` measures another build.
 */
async function measureExchange(numValues, sameHostFiles) {
  const tasks = await localClusterTasks(2, false);
  const spec = JSON.stringify(JSON.parse(tasks[0].tfConfig).cluster);
  const runs = await Promise.all(
    tasks.map((t) =>
      runTask(
        process.execPath,
        [
          exchangeTask,
          dist,
          spec,
          t.type,
          String(t.index),
          String(numValues),
          String(reps),
          String(chunkBytes),
          String(growing),
          sameHostFiles ? '1' : '0',
        ],
        process.env,
        `${t.type}:${t.index}`,
      ),
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
    bytesThroughFilesPerStep: a.bytesThroughFilesPerStep,
  };
}

const f1 = (x) => (x === undefined ? '–' : x.toFixed(1));
try {
  const result = { date: new Date().toISOString(), cpus: cpus().length, loadAverage1m: loadavg()[0] };
  const md = [];
  let numValues = CNN_VALUES;
  if (!exchangeOnly) {
    const best = new Map();
    /** Every round's figures by configuration: the per-round table pairs runs made minutes apart, not best with best. */
    const byRound = [];
    for (let r = 0; r < rounds; r++) {
      const round = new Map();
      byRound.push(round);
      for (const [i, c] of configs.entries()) {
        log(`cluster bench: round ${r + 1}/${rounds}, ${label(c)} (${warmup} + ${steps} steps)…`);
        const f = figures(c, await train(c, join(root, `r${r}-c${i}`)));
        round.set(c, f);
        if (!best.has(c) || f.examplesPerSec > best.get(c).examplesPerSec) best.set(c, f);
      }
    }
    const rows = configs.map((c) => ({ config: label(c), compared: c.compared === true, ...best.get(c) }));
    const find = (workers, batch, g, compared, thread = false, socket = false) =>
      rows.find(
        (x) =>
          !x.pinnedPair &&
          x.workers === workers &&
          x.batchPerWorker === batch &&
          x.heapGrowingPercent === g &&
          x.compared === compared &&
          x.thread === thread &&
          x.socket === socket,
      );
    const ratio = (two, one) => ({
      throughput: two.examplesPerSec / one.examplesPerSec,
      // Each worker on its own core, never waiting: examples per CPU-second of one worker, times the workers.
      cpuBound: two.globalBatch / two.cpuMsPerStepPerWorker / (one.globalBatch / one.cpuMsPerStepPerWorker),
    });
    // [key, label, two workers, one worker]: the pairs whose runs exist (--quick and --compare change which).
    const pairs = [false, ...(compare ? [true] : [])].flatMap((compared) => {
      const of = (label) => (compared ? `${label} (${compareArg})` : label);
      const key = (k) => (compared ? `${k}Compared` : k);
      return [
        [key('scaling128'), of('scaling, 2 × 128 / 1 × 128 (target ≥ 1.7)'), [2, 128, growing], [1, 128, growing]],
        [
          key('scaling128Thread'),
          of('scaling, exchange on a thread, 2 × 128 / 1 × 128 (target ≥ 1.7)'),
          [2, 128, growing, compared, true],
          [1, 128, growing],
        ],
        [
          key('scaling128Socket'),
          of('scaling, through the socket (no files), 2 × 128 / 1 × 128'),
          [2, 128, growing, compared, false, true],
          [1, 128, growing],
        ],
        [key('scaling64'), of('scaling, 2 × 64 / 1 × 64 (target ≥ 1.7)'), [2, 64, growing], [1, 64, growing]],
        [key('sameGlobalBatch128'), of('same global batch, 2 × 64 / 1 × 128'), [2, 64, growing], [1, 128, growing]],
        [
          key('scaling128V8Default'),
          of("scaling with V8's default heap growth, 2 × 128 / 1 × 128"),
          [2, 128, 0],
          [1, 128, 0],
        ],
      ]
        .map(([k, l, two, one]) => [k, l, find(...two.slice(0, 3), compared, two[4], two[5]), find(...one, compared)])
        .filter(([, , two, one]) => two && one);
    });
    const ratios = Object.fromEntries(pairs.map(([k, , two, one]) => [k, ratio(two, one)]));
    const two = find(2, 128, growing, false);
    numValues = Math.round(two.bytesSentPerStep / 4); // 2 replicas: each sends the whole vector once a step
    Object.assign(result, { model: 'CNN (examples/mnist)', steps, warmup, rounds, heapGrowingPercent: growing });
    Object.assign(result, { runs: rows, ratios });
    md.push(
      `### Synchronous data parallelism (CNN (examples/mnist), wasm 1 thread per worker, ${result.cpus} CPUs, load ${result.loadAverage1m.toFixed(1)}, V8 --heap-growing-percent=${growing || 'default'})`,
      '',
      `Best of ${rounds} alternating rounds, ${steps} timed steps after ${warmup} warm-up steps each.`,
      '',
      '| workers × batch per worker | global batch | examples/s | s/step | CPU ms/step per worker | all-reduce ms/step (wall) | all-reduce CPU ms/step | skew ms/step | exchange latency ms/step | compute CPU skew ms/step | bytes sent/step/replica | of which through files |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (x) =>
          `| ${x.config} | ${x.globalBatch} | ${f1(x.examplesPerSec)} | ${x.secsPerStep.toFixed(3)} | ${f1(x.cpuMsPerStepPerWorker)} | ${f1(x.allReduceMsPerStep)} | ${f1(x.allReduceCpuMsPerStep)} | ${f1(x.skewMsPerStep)} | ${f1(x.latencyMsPerStep)} | ${f1(x.computeCpuSkewMsPerStep)} | ${x.bytesSentPerStep === undefined ? '–' : Math.round(x.bytesSentPerStep)} | ${x.bytesThroughFilesPerStep === undefined ? '–' : Math.round(x.bytesThroughFilesPerStep)} |`,
      ),
      '',
      '| ratio (global examples/s) | measured | CPU-bound (no waiting) |',
      '|---|---|---|',
      ...pairs.map(([k, l]) => {
        const measured = `${ratios[k].throughput.toFixed(2)}×`;
        // The issue's figures (the scaling pairs) in bold, as before.
        return `| ${l} | ${l.includes('target') ? `**${measured}**` : measured} | ${ratios[k].cpuBound.toFixed(2)}× |`;
      }),
      '',
    );
    const pinnedConfig = configs.find((c) => c.pinnedPair);
    const oneConfig = configs.find(
      (c) => c.workers === 1 && c.batch === 128 && c.growing === growing && !c.pinnedPair && !c.compared,
    );
    const twoConfig = configs.find(
      (c) => c.workers === 2 && c.batch === 128 && c.growing === growing && !c.thread && !c.socket && !c.compared,
    );
    if (pinnedConfig) {
      // Per round: the measured scaling beside the two CPUs' own speed in that round. On a virtual machine one CPU can
      // compute the same step much slower than the other (its host core is shared); a synchronous step waits for it.
      result.rounds = byRound.map((round) => {
        const one = round.get(oneConfig);
        const two = round.get(twoConfig);
        const pinned = round.get(pinnedConfig);
        return {
          oneExamplesPerSec: one.examplesPerSec,
          twoExamplesPerSec: two.examplesPerSec,
          ratio: two.examplesPerSec / one.examplesPerSec,
          msPerStepByCpu: pinned.msPerStepByCpu,
          // The pinned pair's rate is already both batches at the slower CPU's pace.
          ceiling: pinned.examplesPerSec / one.examplesPerSec,
          // How much of that ceiling the exchange left: the part of the scaling that is ours, whatever the CPUs did.
          ofCeiling: two.examplesPerSec / pinned.examplesPerSec,
        };
      });
      md.push(
        "Per round: the scaling measured, beside each CPU's own time for the same step while the other CPU is busy too (two independent single workers pinned with `taskset`, no exchange). A synchronous step waits for the slower replica, so **ceiling** = 2 · t(1 × 128) / max(t(CPU 0), t(CPU 1)) bounds what any synchronous 2-worker run could reach in that round, before any exchange cost; **ratio / ceiling** is how much of it the 2-worker run kept (what the exchange and the waiting cost, whatever the CPUs did that round).",
        '',
        '| round | 1 × 128 examples/s | 2 × 128 examples/s | ratio (target ≥ 1.7) | CPU 0 ms/step | CPU 1 ms/step | ceiling | ratio / ceiling |',
        '|---|---|---|---|---|---|---|---|',
        ...result.rounds.map(
          (x, r) =>
            `| ${r + 1} | ${f1(x.oneExamplesPerSec)} | ${f1(x.twoExamplesPerSec)} | ${x.ratio.toFixed(2)}× | ${f1(x.msPerStepByCpu[0])} | ${f1(x.msPerStepByCpu[1])} | ${x.ceiling.toFixed(2)}× | ${(100 * x.ofCeiling).toFixed(0)} % |`,
        ),
        '',
      );
    } else {
      md.push('Per-CPU speed: not measured (needs 2 CPUs and `taskset` from util-linux).', '');
    }
  }
  // Through files on the host's memory filesystem (the default on one host), then through the loopback socket.
  for (const [key, sameHostFiles, how] of [
    ['exchange', true, 'payloads through /dev/shm files, requests over gRPC'],
    ['exchangeSocket', false, 'payloads through the loopback socket, gRPC'],
  ]) {
    log(`cluster bench: the exchange alone, ${numValues} values, ${reps} all-reduces, ${how}…`);
    const exchange = await measureExchange(numValues, sameHostFiles);
    result[key] = exchange;
    md.push(
      `Exchange alone, ${how} (${numValues} float32 values, 2 replica processes, median of ${reps}): ` +
        `**${exchange.wallMsMedian.toFixed(1)} ms wall** (min ${exchange.wallMsMin.toFixed(1)}), ` +
        `${exchange.cpuMsMedian.toFixed(1)} ms CPU for both processes, ${Math.round(exchange.bytesSentPerStep)} bytes sent per replica` +
        ` (${Math.round(exchange.bytesThroughFilesPerStep ?? 0)} through files).`,
      '',
    );
  }
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
