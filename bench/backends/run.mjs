#!/usr/bin/env node
// Training throughput (examples/sec) of the reference CNN and a 784-256-10 MLP on stock cpu, stock wasm and
// wasm with @estimatorjs/backends' training kernels, through a hand-written tfjs-core loop and through
// tfjs-layers model.fit. Each configuration runs in its own process (kernel registration is global), so the
// ratios come from one run on one machine. Usage: node bench/backends/run.mjs [--secs 3] [--rounds 3] [--json]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const self = fileURLToPath(import.meta.url);

if (args[0] === '--one') {
  const [, config, model, loop, secs] = args;
  const { measure } = await import('./measure.mjs');
  const result = await measure({ config, model, loop, secs: Number(secs) });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const secs = flag('--secs', 3);
// The machine may be shared: every cell runs `rounds` times, interleaved, and the best round counts.
const rounds = flag('--rounds', 3);
const rows = [
  ['mlp', 'core', 'cpu-stock'],
  ['mlp', 'core', 'wasm-stock'],
  ['mlp', 'core', 'wasm-ours'],
  ['mlp', 'layers', 'cpu-stock'],
  ['mlp', 'layers', 'wasm-stock'],
  ['mlp', 'layers', 'wasm-ours'],
  ['cnn', 'core', 'cpu-stock'],
  ['cnn', 'core', 'wasm-stock'],
  ['cnn', 'core', 'wasm-ours'],
  ['cnn', 'layers', 'cpu-stock'],
  ['cnn', 'layers', 'wasm-ours'],
  ['mlp', 'core', 'wasm-ours-2t'],
  ['cnn', 'core', 'wasm-ours-2t'],
];
function runCell(model, loop, config) {
  const run = spawnSync(process.execPath, [self, '--one', config, model, loop, String(secs)], { encoding: 'utf8' });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    const lines = (run.stderr || line).trim().split('\n');
    return { error: lines.find((l) => /Error|error/.test(l)) ?? 'failed' };
  }
}
const results = rows.map(([model, loop, config]) => ({ model, loop, config, runs: [] }));
for (let round = 0; round < rounds; round++) {
  for (const cell of results) {
    const first = cell.runs[0];
    // Failed cells and cells slower than one step per `secs` (stock cpu CNN) run once.
    if (first && (first.error || first.steps <= 2)) continue;
    const r = runCell(cell.model, cell.loop, cell.config);
    cell.runs.push(r);
    process.stderr.write(
      `round ${round + 1}: ${cell.model} ${cell.loop} ${cell.config}: ${r.examplesPerSec ?? r.error}\n`,
    );
  }
}
for (const cell of results) {
  const best = cell.runs.filter((r) => r.examplesPerSec).sort((x, y) => y.examplesPerSec - x.examplesPerSec)[0];
  Object.assign(cell, best ?? { error: cell.runs[0]?.error ?? 'failed' });
}
if (args.includes('--json')) {
  console.log(JSON.stringify(results, null, 2));
  process.exit(0);
}
const find = (model, loop, config) => results.find((r) => r.model === model && r.loop === loop && r.config === config);
const fmt = (v) => (v == null ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
console.log(
  `\nNode ${process.version}, ${secs}s per cell, best of ${rounds} interleaved rounds, batch: MLP 64, CNN 32; examples/sec (higher is better)\n`,
);
console.log(
  '| model | loop | cpu (stock) | wasm (stock) | wasm (@estimatorjs/backends) | ours ÷ stock wasm | ours ÷ cpu |',
);
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const model of ['mlp', 'cnn']) {
  for (const loop of ['core', 'layers']) {
    const c = find(model, loop, 'cpu-stock');
    const s = find(model, loop, 'wasm-stock');
    const o = find(model, loop, 'wasm-ours');
    const ratio = (a, b) =>
      a?.examplesPerSec && b?.examplesPerSec ? `${(a.examplesPerSec / b.examplesPerSec).toFixed(1)}×` : 'n/a';
    const cell = (r) => (r == null ? '—' : r.examplesPerSec ? fmt(r.examplesPerSec) : 'fails (see below)');
    console.log(
      `| ${model === 'mlp' ? 'MLP 784-256-10' : 'CNN (ref.)'} | ${loop === 'core' ? 'tfjs-core loop' : 'tfjs-layers fit'} | ${cell(c)} | ${cell(s)} | ${cell(o)} | ${ratio(o, s)} | ${ratio(o, c)} |`,
    );
  }
}
const layersStockWasm = find('mlp', 'layers', 'wasm-stock');
const coreOurs = find('mlp', 'core', 'wasm-ours');
const cnnOurs = find('cnn', 'core', 'wasm-ours');
const cnnCpu = find('cnn', 'core', 'cpu-stock');
const t1 = (model) => find(model, 'core', 'wasm-ours');
const t2 = (model) => find(model, 'core', 'wasm-ours-2t');
console.log('\n| model (tfjs-core loop, our wasm) | 1 thread | 2 threads (Node worker_threads) | ratio |');
console.log('|---|---:|---:|---:|');
for (const model of ['mlp', 'cnn']) {
  const a = t1(model)?.examplesPerSec;
  const b = t2(model)?.examplesPerSec;
  console.log(
    `| ${model.toUpperCase()} | ${a ? fmt(a) : 'n/a'} | ${b ? fmt(b) : 'n/a'} | ${a && b ? `${(b / a).toFixed(2)}×` : 'n/a'} |`,
  );
}
for (const r of results.filter((x) => !x.examplesPerSec))
  console.log(`\n${r.model} ${r.loop} ${r.config} fails: ${r.error}`);
if (layersStockWasm?.examplesPerSec && coreOurs?.examplesPerSec) {
  console.log(
    `\nMLP: our wasm (tfjs-core loop) ÷ tfjs-layers fit on stock wasm = ${(coreOurs.examplesPerSec / layersStockWasm.examplesPerSec).toFixed(2)}× (target ≥ 2.5×)`,
  );
}
if (cnnOurs?.examplesPerSec && cnnCpu?.examplesPerSec) {
  console.log(
    `CNN: our wasm ÷ stock cpu = ${(cnnOurs.examplesPerSec / cnnCpu.examplesPerSec).toFixed(2)}× (target ≥ 10×; stock wasm cannot train it)`,
  );
}
