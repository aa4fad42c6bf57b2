// Turns the JSON of one bench/run.mjs run into the markdown report and the acceptance checks of issues #9 and #16.
// Every number is a median: over the rounds inside a process, then over the repetitions of that process.

const CONFIG_NAMES = {
  'cpu-stock': 'tfjs cpu (stock)',
  'wasm-stock': 'tfjs wasm (stock)',
  'wasm-ours': 'wasm + @estimatorjs/backends, 1 thread',
  'wasm-ours-auto': "wasm + @estimatorjs/backends, threads 'auto'",
  'native-1': 'native (@estimatorjs/native, oneDNN), 1 thread',
  'native-auto': "native (@estimatorjs/native, oneDNN), threads 'auto'",
};

import { renderPeers } from './report-peers.mjs';

const MODEL_NAMES = { mlp: 'MLP 784-256-10', cnn: 'CNN (examples/mnist)' };

export const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const num = (v) => (v == null ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const ratio = (v) => (v == null ? 'n/a' : `${v.toFixed(2)}×`);
const pct = (v) => (v == null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

/** The runs of one (model, config), and per-variant medians and per-rep ratios across them. */
function summarize(training, model, config) {
  const runs = training.filter((r) => r.model === model && r.config === config);
  if (runs.length === 0) return null;
  const v = (name, field = 'steadyExPerSec') =>
    runs[0].variants[name]?.error ? null : median(runs.map((r) => r.variants[name]?.[field]));
  // a ÷ b per round (the two ran back to back in the same process), median over every round of every repetition:
  // steadier than a ratio of medians when the machine's speed drifts during a run
  const perRep = (a, b) =>
    median(
      runs.flatMap((r) => {
        const ra = r.variants[a]?.rounds ?? [];
        const rb = r.variants[b]?.rounds ?? [];
        return ra.map((x, i) => x.steadyExPerSec / (rb[i]?.steadyExPerSec ?? Number.NaN));
      }),
    );
  const errors = Object.fromEntries(Object.entries(runs[0].variants).map(([k, x]) => [k, x.error]));
  return {
    runs,
    errors,
    core: v('core'),
    coreData: v('core-data'),
    estimator: v('estimator'),
    estimatorBatches: v('estimator-batches'),
    estimatorWall: v('estimator', 'wallExPerSec'),
    estimatorFixedMs: v('estimator', 'fixedMs'),
    layers: v('layers'),
    estOverCore: perRep('estimator', 'core'),
    estOverCoreData: perRep('estimator', 'core-data'),
    estBatchesOverCore: perRep('estimator-batches', 'core'),
    estOverLayers: perRep('estimator', 'layers'),
    peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
    tensorsEnd: Math.max(...runs.map((r) => r.numTensorsEnd)),
    growth: Math.max(...runs.map((r) => r.numTensors.afterRounds - r.numTensors.afterWarmup)),
    seconds: median(runs.map((r) => r.seconds)),
  };
}

export function renderReport(result) {
  const { machine, plan, training } = result;
  const out = [];
  const checks = [];
  const p = (line = '') => out.push(line);
  p(`## estimator-js benchmarks (${plan.mode})`);
  p();
  p(
    `Machine: ${machine.cpu}, ${machine.nproc} CPUs, Node ${machine.node}${machine.torch ? `, PyTorch ${machine.torch}` : ''}; ${machine.date}.`,
  );
  p(
    `Training: batch 128, Adam, synthetic MNIST-shaped data; ${plan.reps} repetition(s) × ${plan.rounds} interleaved rounds of ${plan.steps.mlp} (MLP; ${plan.fastMlpSteps} on native and in PyTorch after ${plan.fastMlpWarmupSteps} warm-up steps: their ~2 ms steps need longer rounds, and V8 optimizes the once-a-step code only after some hundreds of steps) / ${plan.steps.cnn} (CNN) steps after one untimed warm-up round; examples/sec at steady state (first to last step of a round), median. Higher is better.`,
  );
  p();
  p(
    "| model | backend | hand-written tfjs-core loop | same loop on our Dataset | Estimator.train on our Dataset | Estimator.train on the loop's batches | tfjs-layers model.fit | Estimator ÷ hand-written (Dataset ÷ pre-sliced) | Estimator ÷ model.fit | train() fixed cost | peak RSS | tensors left |",
  );
  p('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const s = {};
  for (const model of ['mlp', 'cnn']) {
    for (const config of ['cpu-stock', 'wasm-stock', 'wasm-ours', 'wasm-ours-auto', 'native-1', 'native-auto']) {
      const x = summarize(training, model, config);
      if (!x) continue;
      s[`${model}/${config}`] = x;
      const cell = (name, v) => (x.errors[name] ? `fails (${x.errors[name].slice(0, 60)})` : num(v));
      p(
        `| ${MODEL_NAMES[model]} | ${CONFIG_NAMES[config]} | ${cell('core', x.core)} | ${cell('core-data', x.coreData)} | ${cell('estimator', x.estimator)} | ${cell('estimator-batches', x.estimatorBatches)} | ${cell('layers', x.layers)} | ${ratio(x.estOverCore)} | ${ratio(x.estOverLayers)} | ${x.estimatorFixedMs == null ? 'n/a' : `${x.estimatorFixedMs.toFixed(0)} ms`} | ${x.peakRssMB.toFixed(0)} MB | ${x.tensorsEnd}${x.growth ? ` (+${x.growth}/run)` : ''} |`,
      );
    }
  }
  p();
  p(
    'Ratios are medians of per-round ratios (the two loops ran back to back in the same process). "Estimator.train on the loop\'s batches": fed the hand-written loop\'s own pre-sliced batches, so it differs from the hand-written loop only by the Estimator. "train() fixed cost": what one `Estimator.train({steps})` call costs beyond its steps (opening the input, the build pass, the final checkpoint). "tensors left": `tf.memory().numTensors` after the process disposed every model (tfjs-layers keeps one); "+k/run" would mean growth across rounds.',
  );

  const peers = renderPeers(result, s, { median, num, ratio });
  checks.push(...peers.checks);
  p();
  p(peers.markdown);
  p();
  p('### Targets (issue #9), each a ratio from this run');
  p();
  p('| target | measured | |');
  p('|---|---:|---|');
  // The Estimator's overhead, measured twice with the same input on both sides: the hand-written loop's
  // pre-sliced batches fed to Estimator.train, and our Dataset feeding both. Met when both are ≤ 3%.
  for (const model of ['mlp', 'cnn']) {
    for (const config of ['wasm-ours', 'wasm-stock', 'cpu-stock']) {
      const x = s[`${model}/${config}`];
      if (!x || x.estBatchesOverCore == null || x.estOverCoreData == null) continue;
      const sameBatches = 1 - x.estBatchesOverCore;
      const sameDataset = 1 - x.estOverCoreData;
      const ok = sameBatches <= 0.03 && sameDataset <= 0.03;
      checks.push({
        target: `Estimator overhead ≤ 3% (${model}, ${config})`,
        value: Math.max(sameBatches, sameDataset),
        ok,
      });
      p(
        `| Estimator overhead vs the hand-written loop on the same input ≤ 3%, ${MODEL_NAMES[model]}, ${CONFIG_NAMES[config]} | ${pct(sameBatches)} on the loop's pre-sliced batches, ${pct(sameDataset)} on our Dataset (Estimator on our Dataset vs the loop on pre-sliced batches: ${pct(1 - x.estOverCore)}) | ${ok ? 'met' : 'MISSED'} |`,
      );
    }
  }
  const ours = s['mlp/wasm-ours']?.estimator;
  const stockFit = s['mlp/wasm-stock']?.layers;
  if (ours && stockFit) {
    const r = ours / stockFit;
    checks.push({ target: 'MLP wasm ≥ 2.5× tfjs-layers fit on stock wasm', value: r, ok: r >= 2.5 });
    p(
      `| MLP: Estimator.train on our wasm ≥ 2.5× tfjs-layers model.fit on stock wasm | ${ratio(r)} | ${r >= 2.5 ? 'met' : 'MISSED'} |`,
    );
  }
  if (result.profile) {
    p();
    p(result.profile.markdown);
  }
  if (result.dataTable) {
    p();
    p(result.dataTable.replace(/^###/gm, '### Input pipelines:'));
  }
  if (result.backendsTable) {
    p();
    p('### Backends (bench/backends/run.mjs: fixed batch, hand-written loop and model.fit)');
    p(result.backendsTable);
  }
  if (result.summaryTable) {
    p();
    p('### Summaries (packages/summary/bench/summary-bench.mjs: cost of writing summaries every step)');
    p();
    p('```');
    p(result.summaryTable.replace(/^=+\n.*\n=+\n/m, ''));
    p('```');
  }
  if (result.failures.length > 0) {
    p();
    p(`Failures: ${result.failures.join('; ')}`);
  }
  p();
  p(`Total ${result.seconds.toFixed(0)} s.`);
  return { markdown: out.join('\n'), checks };
}
