// CPU milliseconds per training step of the hand-written tfjs-core loop, the same loop on our Dataset, and
// Estimator.train (on our Dataset and on pre-sliced batches), interleaved in one process: on a machine shared
// with other jobs the wall clock measures the neighbours, one thread's CPU time measures the work. Each round
// runs every variant for `--steps` steps (fixed per-call costs included, e.g. train()'s setup and its final
// checkpoint); prints the median CPU-ms/step per variant and the Estimator's overhead over the hand-written loop.
// Usage: node bench/train/overhead-ab.mjs [--model mlp] [--steps 60] [--rounds 5] [--config wasm-ours]
import { tf } from './deps.mjs';
import { MODELS } from './models.mjs';
import { makeRunners, selectBackend } from './worker.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const model = opt('model', 'mlp');
const steps = Number(opt('steps', 60));
const rounds = Number(opt('rounds', 5));
const variants = opt('variants', 'core,core-data,estimator,estimator-batches').split(',');
const threads = await selectBackend(opt('config', 'wasm-ours'));
const { runners, cleanup } = await makeRunners(model, variants, steps, null);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const v of variants) await runners[v](); // warm-up
const perStep = Object.fromEntries(variants.map((v) => [v, []]));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[(k + r) % variants.length];
    const c0 = cpuMs();
    await runners[v]();
    perStep[v].push((cpuMs() - c0) / steps);
  }
}
await cleanup();
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out = Object.fromEntries(variants.map((v) => [v, Number(med(perStep[v]).toFixed(3))]));
const base = out.core;
console.log(`${MODELS[model].name}, ${threads} thread(s), ${steps} steps × ${rounds} rounds: median CPU-ms/step`);
for (const v of variants) {
  const rel = base && v !== 'core' ? ` (${((out[v] / base - 1) * 100).toFixed(1)}% over core)` : '';
  console.log(`  ${v.padEnd(18)} ${out[v].toFixed(2)}${rel}`);
}
console.log(JSON.stringify({ model, threads, steps, rounds, cpuMsPerStep: out, samples: perStep }));
if (tf.memory().numTensors !== 0) console.log(`(${tf.memory().numTensors} tensors still alive)`);
