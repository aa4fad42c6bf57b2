// Issue 16's two process-level targets, for `pnpm bench`:
//   - the Estimator's overhead over a hand-written tfjs-core loop on the same input ≤ 3% (the CNN; the MLP is
//     reported beside it), from bench/train/overhead-example.mjs: Estimator.train as examples/mnist runs it (its
//     input pipeline, its CLI's RunConfig and default hooks, event files and checkpoints on disk) against the loop on
//     the same pipeline and on pre-sliced batches, taking turns step by step in one process, in CPU time;
//   - the peak RSS of a CNN training process ≤ 300 MB: `pnpm mnist` itself (examples/mnist/dist/cli.js train with the
//     node flags of package.json's script, default flags; quick mode: 100 steps), as shipped (auto: native where it
//     loads) and with --backend wasm, its maxRSS printed at exit by bench/train/rss-on-exit.cjs.
// Returns { markdown, checks, results }. By hand: node bench/train/overhead-report.mjs [--quick]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

function lastJson(run, label) {
  const line = (run.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    const why = (run.stderr || run.error?.message || `exit ${run.status}`).trim().split('\n').pop();
    throw new Error(`${label}: ${why}`);
  }
}

/**
 * CPU-time overhead of Estimator.train over the hand-written loop, one process per model, the loops taking turns
 * step by step. Steps: enough that the CNN overhead's standard error is under 1 % (its per-step CPU time varies by
 * ±13 % on this VM, step to step: 200 steps gave ± 2.0 %, 600 gave ± 0.7 %); a checkpoint and a summary fall every 100 of them, as in the example.
 * The MLP's steps are ~20× shorter and vary more (300 steps gave ± 2.6 % and runs from -0.1 % to +11.8 %): 1,500.
 */
export function measureOverhead(model, { quick = false } = {}) {
  const steps = model === 'cnn' ? (quick ? 40 : 600) : quick ? 100 : 1500;
  const argv = [here('./overhead-example.mjs'), '--model', model, '--steps', String(steps)];
  return lastJson(spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 << 20 }), `overhead ${model}`);
}

/**
 * The standard error of the overhead (the ratio of sums), from the per-step differences: the spread of
 * estimator − loop, step by step, over √n, relative to the loop's mean step.
 */
function standardError(samples, base) {
  const d = samples.estimator.map((x, i) => x - samples[base][i]);
  const n = d.length;
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const variance = d.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  const baseMean = samples[base].reduce((a, b) => a + b, 0) / n;
  return Math.sqrt(variance / n) / baseMean;
}

/** The node flags `pnpm mnist` runs the example CLI with (the root package.json's script), so the bench measures it. */
export function mnistNodeFlags() {
  const script = JSON.parse(readFileSync(here('../../package.json'), 'utf8')).scripts.mnist;
  const m = /\bnode((?: --\S+)*) examples\/mnist\/dist\/cli\.js train\b/.exec(script);
  if (!m) throw new Error(`package.json's mnist script no longer runs examples/mnist/dist/cli.js train: ${script}`);
  return m[1].trim().split(' ').filter(Boolean);
}

/**
 * Peak RSS (MB) of `pnpm mnist` (the example CLI's train command with the script's node flags, default flags but the
 * model_dir; `backend` adds --backend, e.g. wasm where auto picks native).
 */
export function measureMnistRss({ quick = false, backend = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mnist-rss-'));
  try {
    const node = [...mnistNodeFlags(), '-r', here('./rss-on-exit.cjs')];
    const argv = [
      ...node,
      here('../../examples/mnist/dist/cli.js'),
      'train',
      ...(backend ? ['--backend', backend] : []),
    ];
    argv.push('--model_dir', join(dir, 'model'), ...(quick ? ['--train_steps', '100'] : []));
    const t0 = performance.now();
    const run = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
    const peak = run.stderr.match(/^peak-rss-mb ([\d.]+)$/m);
    if (run.status !== 0 || !peak) {
      throw new Error(`pnpm mnist: ${(run.stderr || `exit ${run.status}`).trim().split('\n').pop()}`);
    }
    const rate = [...run.stdout.matchAll(/global_step\/sec: ([\d.]+)/g)].map((m) => Number(m[1]));
    const used = /^Backend: (.*?)(?: \[|$)/m.exec(run.stdout)?.[1] ?? backend ?? 'auto';
    return {
      maxRssMB: Number(peak[1]),
      backend: used,
      nodeFlags: mnistNodeFlags(),
      steps: quick ? 100 : 'default',
      seconds: (performance.now() - t0) / 1000,
      globalStepPerSec: rate,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

export function runOverheadReport({ quick = false, log = () => {} } = {}) {
  const results = { overhead: {}, mnist: null, errors: [] };
  for (const model of ['cnn', 'mlp']) {
    try {
      results.overhead[model] = measureOverhead(model, { quick });
      log(`overhead ${model}: ${JSON.stringify(results.overhead[model].overhead)}`);
    } catch (e) {
      results.errors.push(String(e.message));
    }
  }
  // As shipped (auto: native where it loads), and on wasm, the backend the browser trains on.
  results.mnist = [];
  for (const backend of [null, 'wasm']) {
    try {
      const m = measureMnistRss({ quick, backend });
      results.mnist.push(m);
      log(`pnpm mnist${backend ? ` --backend ${backend}` : ''}: peak RSS ${m.maxRssMB.toFixed(0)} MB`);
    } catch (e) {
      results.errors.push(String(e.message));
    }
  }
  const lines = [];
  const checks = [];
  lines.push('### Estimator overhead and memory (issue 16), each from one process');
  lines.push('');
  lines.push(
    '| model | hand-written loop, pre-sliced | hand-written loop, example pipeline | Estimator.train as examples/mnist | overhead vs the loop on the same pipeline (± s.e.) | median per step | vs pre-sliced | peak RSS of the process |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  const names = { cnn: 'CNN (examples/mnist)', mlp: 'MLP 784-256-10' };
  for (const [model, r] of Object.entries(results.overhead)) {
    const c = r.cpuMsPerStep;
    const same = r.overhead['estimator/core-input'];
    const se = standardError(r.samples, 'core-input');
    lines.push(
      `| ${names[model]} | ${c.core.toFixed(2)} | ${c['core-input'].toFixed(2)} | ${c.estimator.toFixed(2)} | ${pct(same)} ± ${(se * 100).toFixed(1)}% | ${pct(r.medianOverhead['estimator/core-input'])} | ${pct(r.overhead['estimator/core'])} | ${r.peakRssMB.toFixed(0)} MB |`,
    );
    // Issue 16's acceptance names the CNN; the MLP's steps are ~50× shorter, so the example's checkpoint and
    // summaries every 100 steps weigh ~50× more there (its median step shows the loop alone).
    if (model === 'cnn') {
      checks.push({ target: "Estimator overhead ≤ 3% on the example's input (CNN)", value: same, ok: same <= 0.03 });
    }
  }
  lines.push('');
  lines.push(
    `CPU-ms per training step (process.cpuUsage, all threads), 1 wasm thread, steady state. One Estimator.train call runs the measurement; after each of its steps a hook runs one step of each hand-written loop, so the three take turns step by step and the machine's drift cancels (rounds of one variant after another moved the CNN's overhead between +1 % and +7.5 %). Overhead: ratio of the summed CPU time over ${Object.values(
      results.overhead,
    )
      .map((r) => r.steps)
      .join(
        ' / ',
      )} timed steps (CNN / MLP), ± the standard error of the per-step ratios; every Estimator cost counts, the checkpoint and summary steps included. The Estimator runs the example CLI's RunConfig (summaries, step-rate log and checkpoints every 100 steps, event files on disk) with its default hooks (loss read every step by NanTensorHook, as TF) and the example's placeholder-fed repeat → shuffle(10000) → batch(128) pipeline; the hand-written loop reads its loss every step too. The peak RSS of these processes counts three models and the data.`,
  );
  for (const m of results.mnist) {
    const ok = m.maxRssMB <= 300;
    checks.push({ target: `peak RSS of pnpm mnist (${m.backend}) ≤ 300 MB`, value: m.maxRssMB, ok });
    lines.push('');
    lines.push(
      `Peak RSS of \`pnpm mnist\` on ${m.backend} (train and evaluate in one process, threads auto, ${m.steps === 'default' ? 'default flags' : `--train_steps ${m.steps}`}; node ${m.nodeFlags.join(' ')} as the script runs it): **${m.maxRssMB.toFixed(0)} MB** (target ≤ 300 MB: ${ok ? 'met' : 'MISSED'}); global_step/sec ${m.globalStepPerSec.join(', ') || 'n/a'}; ${m.seconds.toFixed(0)} s.`,
    );
  }
  for (const e of results.errors) lines.push(`\nFAILED: ${e}`);
  return { markdown: lines.join('\n'), checks, results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runOverheadReport({ quick: process.argv.includes('--quick'), log: (l) => process.stderr.write(`${l}\n`) });
  console.log(r.markdown);
  console.log(JSON.stringify({ checks: r.checks, results: r.results }));
  if (r.results.errors.length > 0) process.exitCode = 1;
}
