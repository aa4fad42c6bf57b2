// The issue-16 part of the bench report: our wasm (1 thread and threads: 'auto') against PyTorch (1 and 2 threads,
// its BLAS named) and tfjs-layers model.fit, as ratios from one run, plus GFLOP/s against each side's measured
// matmul peak. Used by report.mjs.

/** Matmul/conv FLOPs of one training example (forward + weight gradients + input gradients but the first layer's). */
export const TRAIN_FLOPS_PER_EXAMPLE = {
  // dense 784→256, 256→10: forward 2·(784·256 + 256·10); training 3× forward less the first layer's input gradient
  mlp: 3 * 2 * (784 * 256 + 256 * 10) - 2 * 784 * 256,
  // conv 5×5 1→20 at 28², conv 5×5 20→40 at 14², dense 1960→256→256→10
  cnn: (() => {
    const layers = [28 * 28 * 20 * 25, 14 * 14 * 40 * 500, 1960 * 256, 256 * 256, 256 * 10].map((macs) => 2 * macs);
    return 3 * layers.reduce((a, b) => a + b, 0) - (layers[0] ?? 0);
  })(),
};

const MODEL_NAMES = { mlp: 'MLP 784-256-10', cnn: 'CNN (examples/mnist)' };

/**
 * Renders the section and returns its checks. `s` maps `${model}/${config}` to report.mjs's summaries; `median`
 * is report.mjs's; `num`/`ratio` format numbers.
 */
export function renderPeers({ machine, training, torch }, s, { median, num, ratio }) {
  const out = [];
  const checks = [];
  const p = (line = '') => out.push(line);
  const torchFor = (model, threads, field = 'steadyExPerSec') =>
    median(torch.filter((t) => t.model === model && t.threads === threads).map((t) => t[field]));
  const autoThreads = Math.max(0, ...training.filter((r) => r.config === 'wasm-ours-auto').map((r) => r.threads ?? 0));
  // Ours (the best of `configs`) over PyTorch (the best of its thread counts) within each repetition, and their
  // median: bench/run.mjs runs the native rows and PyTorch's back to back, so the machine's drift over minutes cancels
  // in each ratio. Without repetition numbers (older results), the ratio of the medians.
  const perRepetition = (model, configs) => {
    const best = (rows, rate) => Math.max(0, ...rows.map(rate));
    const reps = [...new Set(training.map((t) => t.rep))].filter((r) => r !== undefined).sort((a, b) => a - b);
    return reps
      .map((rep) => {
        const ours = best(
          training.filter((t) => t.rep === rep && t.model === model && configs.includes(t.config)),
          (t) => (t.variants?.estimator?.error ? 0 : (t.variants?.estimator?.steadyExPerSec ?? 0)),
        );
        const theirs = best(
          torch.filter((t) => t.rep === rep && t.model === model),
          (t) => t.steadyExPerSec ?? 0,
        );
        return ours > 0 && theirs > 0 ? ours / theirs : null;
      })
      .filter((v) => v !== null);
  };
  const oursOverTorch = (model, configs, fallback) => {
    const each = perRepetition(model, configs);
    return each.length > 0 ? { value: median(each), each } : { value: fallback, each: [] };
  };
  p('### Training speed against PyTorch and tfjs-layers (issue #16)');
  p();
  if (machine.torchRefused) p(`**PyTorch: no ratio reported.** ${machine.torchRefused}`);
  const blas = machine.torchBlas;
  if (blas) {
    p(
      `PyTorch's BLAS, as loaded in its own process: **${blas.name}**${blas.coreName ? ` (kernel ${blas.coreName})` : ''}; mapped: ${(blas.libraries ?? []).map((l) => `\`${l}\``).join(', ') || 'none'}. \`torch.__config__.show()\` says BLAS_INFO=${blas.buildInfo ?? '?'}: Debian's build string for the generic libblas.so.3 interface, whichever library the alternatives system puts behind it, so the mapped library is what counts. OpenBLAS's pool is sized to torch's thread count (OPENBLAS_NUM_THREADS); OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset for that process only.`,
    );
  }
  p();
  p(
    `| model | ours, 1 thread | ours, threads auto (${autoThreads}) | PyTorch 1 thread | PyTorch 2 threads | tfjs-layers model.fit (our wasm, 1 thread) | ours ÷ PyTorch (best of each) | ours 1 thread ÷ PyTorch 1 thread | ours 1 thread ÷ model.fit |`,
  );
  p('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const rows = {};
  for (const model of ['mlp', 'cnn']) {
    const one = s[`${model}/wasm-ours`]?.estimator ?? null;
    const auto = s[`${model}/wasm-ours-auto`]?.estimator ?? null;
    const fit = s[`${model}/wasm-ours`]?.layers ?? null;
    const t1 = machine.torchRefused ? null : torchFor(model, 1);
    const t2 = machine.torchRefused ? null : torchFor(model, 2);
    const ours = Math.max(one ?? 0, auto ?? 0) || null;
    const theirs = Math.max(t1 ?? 0, t2 ?? 0) || null;
    const vs = machine.torchRefused
      ? { value: null, each: [] }
      : oursOverTorch(model, ['wasm-ours', 'wasm-ours-auto'], ours && theirs ? ours / theirs : null);
    rows[model] = { one, auto, t1, t2, ours, theirs, vs };
    p(
      `| ${MODEL_NAMES[model]} | ${num(one)} | ${num(auto)} | ${num(t1)} | ${num(t2)} | ${num(fit)} | ${ratio(vs.value)} | ${ratio(one && t1 ? one / t1 : null)} | ${ratio(one && fit ? one / fit : null)} |`,
    );
  }
  // The native backend (useBackend('native'): oneDNN through @estimatorjs/native), where the bench could load it:
  // the same columns, ours = native; model.fit is not run on it.
  for (const model of ['mlp', 'cnn']) {
    const one = s[`${model}/native-1`]?.estimator ?? null;
    const auto = s[`${model}/native-auto`]?.estimator ?? null;
    if (one == null && auto == null) continue;
    const { t1, t2, theirs } = rows[model];
    const ours = Math.max(one ?? 0, auto ?? 0) || null;
    const vs = machine.torchRefused
      ? { value: null, each: [] }
      : oursOverTorch(model, ['native-1', 'native-auto'], ours && theirs ? ours / theirs : null);
    rows[`${model}/native`] = { one, auto, t1, t2, ours, theirs, vs };
    p(
      `| ${MODEL_NAMES[model]}, **native** (oneDNN) | ${num(one)} | ${num(auto)} | ${num(t1)} | ${num(t2)} | n/a | ${ratio(vs.value)} | ${ratio(one && t1 ? one / t1 : null)} | n/a |`,
    );
  }
  p();
  p(
    "Examples/sec at steady state (medians over the repetitions), Estimator.train on our Dataset with the default hooks; PyTorch reads `loss.item()` every step. \"ours ÷ PyTorch\" is the median over the repetitions of the ratio within each (the best of our two rows over the best of PyTorch's two): in every repetition the native rows and PyTorch's run back to back, ours first in even repetitions and PyTorch first in odd ones, so the machine's drift over minutes cancels; the wasm rows run just before them. Separate processes: on a shared machine these ratios move with the load (PyTorch on 2 threads collapses when the cores are busy).",
  );
  p();
  p(
    '| model | training FLOP/example | ours 1 thread: GFLOP/s (wasm matmul peak) | ours auto: GFLOP/s (peak) | PyTorch 1 thread: GFLOP/s (OpenBLAS matmul peak) | PyTorch 2 threads: GFLOP/s (peak) |',
  );
  p('|---|---:|---:|---:|---:|---:|');
  const g = (exPerSec, flops) => (exPerSec == null ? null : (exPerSec * flops) / 1e9);
  const cell = (rate, peak) =>
    rate == null
      ? 'n/a'
      : `${rate.toFixed(1)} (${peak == null ? '?' : `${peak.toFixed(0)}, ${((100 * rate) / peak).toFixed(0)}%`})`;
  for (const model of ['mlp', 'cnn']) {
    const f = TRAIN_FLOPS_PER_EXAMPLE[model];
    const r = rows[model];
    const peakOf = (config) => median(training.filter((t) => t.config === config).map((t) => t.matmulGflops));
    p(
      `| ${MODEL_NAMES[model]} | ${(f / 1e6).toFixed(2)} M | ${cell(g(r.one, f), peakOf('wasm-ours'))} | ${cell(g(r.auto, f), peakOf('wasm-ours-auto'))} | ${cell(g(r.t1, f), torchFor(model, 1, 'matmulGflops'))} | ${cell(g(r.t2, f), torchFor(model, 2, 'matmulGflops'))} |`,
    );
    const n = rows[`${model}/native`];
    if (n) {
      p(
        `| ${MODEL_NAMES[model]}, **native** (oneDNN matmul peak) | ${(f / 1e6).toFixed(2)} M | ${cell(g(n.one, f), peakOf('native-1'))} | ${cell(g(n.auto, f), peakOf('native-auto'))} | ${cell(g(r.t1, f), torchFor(model, 1, 'matmulGflops'))} | ${cell(g(r.t2, f), torchFor(model, 2, 'matmulGflops'))} |`,
      );
    }
  }
  p();
  const eachOf = (vs) => (vs.each.length > 1 ? `; per repetition ${vs.each.map((x) => ratio(x)).join(', ')}` : '');
  p('| target (issue #16) | measured | |');
  p('|---|---:|---|');
  for (const [model, want] of [
    ['cnn', 1.0],
    ['mlp', 1.5],
  ]) {
    const r = rows[model];
    const v = r.vs?.value;
    if (!v) continue;
    checks.push({ target: `${model} ≥ ${want}× PyTorch (best of 1/2 threads each)`, value: v, ok: v >= want });
    p(
      `| ${MODEL_NAMES[model]}: ours ≥ ${want.toFixed(1)}× PyTorch (best of our 1 thread / auto, best of its 1 / 2 threads)${eachOf(r.vs)} | ${ratio(v)} | ${v >= want ? 'met' : `MISSED (needs ${(want / v).toFixed(1)}× this)`} |`,
    );
  }
  for (const [model, want] of [
    ['cnn', 1.0],
    ['mlp', 1.5],
  ]) {
    const r = rows[`${model}/native`];
    const v = r?.vs?.value;
    if (!v) continue;
    checks.push({ target: `${model} native ≥ ${want}× PyTorch (best of 1/2 threads each)`, value: v, ok: v >= want });
    p(
      `| ${MODEL_NAMES[model]}: native ≥ ${want.toFixed(1)}× PyTorch (best of its 1 thread / auto, best of PyTorch's 1 / 2 threads)${eachOf(r.vs)} | ${ratio(v)} | ${v >= want ? 'met' : `MISSED (needs ${(want / v).toFixed(1)}× this)`} |`,
    );
  }
  // Not the target's process: this one also holds the bench's 8,000 inputs as a tensor and a JS copy, and a round's
  // pre-sliced batches. The ≤ 300 MB target is checked on `pnpm mnist` itself (bench/train/overhead-report.mjs).
  const rss = s['cnn/wasm-ours-auto']?.peakRssMB;
  if (rss != null) {
    p(
      `| Peak RSS of this bench's wasm CNN process (Estimator.train, threads auto, with the bench's own data and batches; for information: the ≤ 300 MB target is checked on \`pnpm mnist\` below) | ${rss.toFixed(0)} MB | |`,
    );
  }
  return { markdown: out.join('\n'), checks };
}
