#!/usr/bin/env node
// pnpm bench: every benchmark of estimator-js in one process tree, printed as markdown and saved as JSON under
// bench/results/. Training: bench/train/worker.mjs per (model, backend) — Estimator.train, a hand-written tfjs-core
// loop, the same loop on our Dataset, tfjs-layers model.fit — in interleaved rounds; PyTorch (bench/train/torch_bench.py)
// on 1 and 2 threads between them. Input pipelines: bench/data/run.mjs. Backends: bench/backends/run.mjs.
// Usage: node bench/run.mjs [--quick] [--smoke] [--no-torch] [--no-data] [--no-backends] [--no-board] [--no-overhead] [--profile]
//        [--reps N] [--rounds N] [--cpu-cnn] [--python /usr/bin/python3]
// Build first: pnpm turbo run build --filter=mnist-example...  (the root `pnpm bench` script does).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderReport } from './report.mjs';

const args = process.argv.slice(2);
const has = (f) => args.includes(`--${f}`);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const here = (p) => fileURLToPath(new URL(p, import.meta.url));

const smoke = has('smoke');
const quick = has('quick') || smoke;
const plan = {
  mode: smoke ? 'smoke' : quick ? 'quick' : 'full',
  reps: Number(opt('reps', smoke || quick ? 1 : 3)),
  rounds: Number(opt('rounds', smoke ? 1 : quick ? 3 : 5)),
  steps: { mlp: smoke ? 3 : quick ? 25 : 60, cnn: smoke ? 2 : quick ? 4 : 10 },
  // The MLP's rows on native and PyTorch's: their steps take ~2 ms, so 60 steps are ~0.12 s, too short for a steady
  // state (one V8 old-generation GC or one wake of the sleeping OpenMP pool moves such a round by 20–40 %; 1,500-step
  // runs trained at 71–79k ex/s where 60-step rounds gave 43–50k). Both sides of that ratio get the same longer rounds.
  fastMlpSteps: smoke ? 3 : quick ? 100 : 300,
  // …and a longer warm-up: V8 optimizes the functions called once a step only after some hundreds of calls, and the
  // native MLP's CPU time per step fell from 3.6 to 2.0 ms over its first ~1,800 steps. PyTorch gets the same.
  fastMlpWarmupSteps: smoke ? 3 : 1800,
  // wasm-ours: useBackend('wasm', { threads: 1 }); wasm-ours-auto: the default threads: 'auto' (Estimator.train
  // only: its rate, and the peak RSS of a process that trains nothing else). Quick mode leaves stock cpu out.
  configs: {
    mlp: smoke
      ? ['wasm-ours', 'wasm-ours-auto']
      : [...(quick ? [] : ['cpu-stock']), 'wasm-stock', 'wasm-ours', 'wasm-ours-auto'],
    // Stock cpu trains the CNN at ~1 example/sec (a 128-batch step takes minutes): only with --cpu-cnn.
    cnn: smoke
      ? ['wasm-ours', 'wasm-ours-auto']
      : ['wasm-stock', 'wasm-ours', 'wasm-ours-auto', ...(has('cpu-cnn') ? ['cpu-stock'] : [])],
  },
  torchThreads: [1, 2],
};

const log = (line) => process.stderr.write(`${line}\n`);
const failures = [];

// The native backend (@estimatorjs/native, oneDNN): rows on one thread and threads 'auto' (Estimator.train only)
// where its addon loads; where it does not, one line says why and the rows are left out.
const nativeProblem = await import(new URL('../packages/native/dist/index.js', import.meta.url).href)
  .then((m) => m.nativeBackendProblem())
  .catch((e) => `@estimatorjs/native is not built (${String(e?.message ?? e).split('\n')[0]})`);
if (nativeProblem !== null) log(`native backend: left out: ${nativeProblem}`);
else for (const model of ['mlp', 'cnn']) plan.configs[model].push('native-1', 'native-auto');

function spawnJson(cmd, argv, label, env = process.env) {
  const run = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20, env });
  const line = (run.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    const why = `${
      (run.stderr || run.error?.message || line || `exit ${run.status}`)
        .trim()
        .split('\n')
        .find((l) => /Error|error/.test(l)) ?? `exit ${run.status}`
    }`;
    failures.push(`${label}: ${why}`);
    log(`${label}: FAILED ${why}`);
    return null;
  }
}

function findPython() {
  const candidates = [opt('python', null), 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python: py, version: r.stdout.trim() };
  }
  return null;
}

const started = performance.now();
const torch = has('no-torch') || smoke ? null : findPython();
if (!torch && !has('no-torch') && !smoke)
  log('PyTorch not found (python3 -c "import torch" fails; apt-get install python3-torch): skipping it.');

// The PyTorch process gets OpenBLAS's defaults: work-arounds for old OpenBLAS bugs some machines export
// (OPENBLAS_CORETYPE pins a kernel, OPENBLAS_L2_SIZE a cache size) are dropped for it, and OpenBLAS's own pool is
// sized like torch's, so "1 thread" means one thread in the BLAS too. Only that process; tests are unaffected.
function torchEnv(threads) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}
const fastMlpWarmupRounds = Math.ceil(plan.fastMlpWarmupSteps / plan.fastMlpSteps);
/** Steps per round of one bench worker process. */
function workerSteps(model, config) {
  // Stock cpu is ~20× slower than wasm: fewer steps keep its rounds about as long in time.
  if (config === 'cpu-stock') return Math.max(3, Math.ceil(plan.steps[model] / 5));
  if (model === 'mlp' && config.startsWith('native')) return plan.fastMlpSteps;
  return plan.steps[model];
}
let torchRefused = null;
const training = [];
const torchRuns = [];
function runOurs(rep, model, config) {
  const argv = [
    here('./train/worker.mjs'),
    '--config',
    config,
    '--model',
    model,
    '--rounds',
    String(plan.rounds),
    '--steps',
    String(workerSteps(model, config)),
    ...(model === 'mlp' && config.startsWith('native') ? ['--warmup-rounds', String(fastMlpWarmupRounds)] : []),
    ...(config === 'wasm-ours-auto' || config.startsWith('native') ? ['--variants', 'estimator'] : []),
  ];
  const r = spawnJson(process.execPath, argv, `train ${model} ${config}`);
  if (r) {
    training.push({ rep, ...r });
    log(
      `train ${model} ${config}: ${Object.entries(r.variants)
        .map(([v, x]) => `${v} ${x.error ? 'fails' : x.steadyExPerSec.toFixed(0)}`)
        .join(', ')} ex/s (${r.seconds.toFixed(1)} s)`,
    );
  }
}

function runTorch(rep, model, threads) {
  if (!torch || torchRefused) return;
  const r = spawnJson(
    torch.python,
    [
      here('./train/torch_bench.py'),
      '--model',
      model,
      '--threads',
      String(threads),
      '--rounds',
      String(plan.rounds),
      '--steps',
      String(model === 'mlp' ? plan.fastMlpSteps : plan.steps[model]),
      ...(model === 'mlp' ? ['--warmup-rounds', String(fastMlpWarmupRounds)] : []),
    ],
    `torch ${model} ${threads} threads`,
    torchEnv(threads),
  );
  if (r?.refused) {
    torchRefused = r.refused;
    log(`torch: NOT TIMED — ${r.refused}`);
  } else if (r) {
    torchRuns.push({ rep, ...r });
    log(`torch ${model} ${threads} thread(s): ${r.steadyExPerSec.toFixed(0)} ex/s`);
  }
}

// Each repetition runs our wasm rows first, then our native rows and PyTorch's back to back (ours first in even
// repetitions, PyTorch first in odd ones), so the ratio the targets use is taken per repetition between processes
// seconds apart: this machine's speed drifts over minutes (the native MLP ran at 62–80k ex/s in one repetition and
// 90–106k in the next), which a ratio of medians taken minutes apart carried into the result.
const rotate = (list, by) => list.map((_, k) => list[(k + by) % list.length]);
for (let rep = 0; rep < plan.reps; rep++) {
  for (const model of ['mlp', 'cnn']) {
    const configs = plan.configs[model];
    const ours = configs.filter((c) => !c.startsWith('native'));
    const native = configs.filter((c) => c.startsWith('native'));
    for (const config of rotate(ours, rep)) runOurs(rep, model, config);
    const nativeBlock = () => {
      for (const config of rotate(native, rep)) runOurs(rep, model, config);
    };
    const torchBlock = () => {
      for (const threads of rotate(plan.torchThreads, rep)) runTorch(rep, model, threads);
    };
    if (rep % 2 === 0) {
      nativeBlock();
      torchBlock();
    } else {
      torchBlock();
      nativeBlock();
    }
  }
}

function runTable(script, argv, label) {
  log(`${label}: node ${script} ${argv.join(' ')}`);
  const r = spawnSync(process.execPath, [here(script), ...argv], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const why =
      (r.stderr || '')
        .trim()
        .split('\n')
        .find((l) => /Error|error/.test(l)) ?? `exit ${r.status}`;
    failures.push(`${label}: ${why}`);
    return null;
  }
  return r.stdout.trim();
}
// Input pipelines on cpu (all four) and on wasm, the backend the Estimator trains on in Node ((a) and (b) only:
// (c) and (d) make no tensors).
const dataTables =
  has('no-data') || smoke
    ? []
    : [
        runTable('./data/run.mjs', [...(quick ? ['--quick'] : []), '--backend', 'cpu'], 'data (cpu)'),
        runTable(
          './data/run.mjs',
          [...(quick ? ['--quick'] : []), '--backend', 'wasm', '--only', 'a,b,b-general'],
          'data (wasm)',
        ),
      ].filter(Boolean);
const dataTable = dataTables.length > 0 ? dataTables.join('\n\n') : null;
const backendsTable = has('no-backends') || quick ? null : runTable('./backends/run.mjs', ['--secs', '3'], 'backends');

const summaryTable =
  has('no-data') || quick ? null : runTable('../packages/summary/bench/summary-bench.mjs', [], 'summary');
// Issue 7's target: summaries written every step cost the reference CNN < 5% of its wasm throughput.
const summaryOverhead =
  has('no-data') || quick
    ? null
    : runTable('./train/summary-overhead.mjs', ['--steps', '25', '--rounds', '3'], 'summary overhead');

// Issue 20's target: the board loads 20 runs × 20 tags × 100,000 points in under 2 s (reported with the summaries).
const boardLoad =
  has('no-board') || smoke ? null : runTable('./board/load.mjs', quick ? ['--quick'] : [], 'board load');

// Issue 16: the Estimator's overhead on the example's own input (CNN, MLP) and the peak RSS of `pnpm mnist`.
let overhead = null;
if (!has('no-overhead') && !smoke) {
  const { runOverheadReport } = await import('./train/overhead-report.mjs');
  overhead = runOverheadReport({ quick, log });
  failures.push(...overhead.results.errors);
}

let profile = null;
if (has('profile')) {
  const { profileEstimator } = await import('./train/profile.mjs');
  profile = await profileEstimator({ quick });
}

const machine = {
  node: process.version,
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  torch: torch?.version ?? null,
  // which BLAS torch ran on (from its own process) and, if it was not an optimized one, why no ratio is reported
  torchBlas: torchRuns[0]?.blas ?? null,
  torchRefused,
  date: new Date().toISOString(),
};
const result = {
  machine,
  plan,
  seconds: (performance.now() - started) / 1000,
  training,
  torch: torchRuns,
  dataTable,
  backendsTable,
  summaryTable: [summaryTable, summaryOverhead?.split('\n')[0], boardLoad].filter(Boolean).join('\n\n') || null,
  profile,
  overhead: overhead?.results ?? null,
  failures,
};
const { markdown, checks } = renderReport(result);
result.checks = [...checks, ...(overhead?.checks ?? [])];
console.log(markdown);
if (overhead) console.log(`\n${overhead.markdown}`);
mkdirSync(here('./results'), { recursive: true });
const file = here(`./results/bench-${plan.mode}-${machine.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
log(`\nSaved ${file} (${result.seconds.toFixed(0)} s).`);

if (smoke) {
  // The smoke run checks that every loop trains, leaks nothing and the report renders; speed is not checked.
  for (const r of training) {
    for (const [v, x] of Object.entries(r.variants)) {
      if (x.error) failures.push(`smoke: ${r.model} ${r.config} ${v} failed: ${x.error}`);
    }
    if (r.numTensors.afterRounds !== r.numTensors.afterWarmup)
      failures.push(`smoke: ${r.model} ${r.config} leaks tensors`);
  }
  if (training.length === 0) failures.push('smoke: no training result');
}
if (failures.length > 0) {
  log(`\n${failures.length} failure(s):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  process.exitCode = 1;
}
