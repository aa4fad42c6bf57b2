// CPU milliseconds per training step of the hand-written tfjs-core loop, the same loop on our Dataset, and
// Estimator.train (on our Dataset and on pre-sliced batches), interleaved in one process: on a machine shared
// with other jobs the wall clock measures the neighbours, one thread's CPU time measures the work. Each round
// runs every variant for `--steps` steps (fixed per-call costs included, e.g. train()'s setup and its final
// checkpoint); prints the median CPU-ms/step per variant and the Estimator's overhead over the hand-written loop.
// `--compare packages/estimator/dist-before` (another build of the estimator, e.g. of an older commit, built under
// packages/estimator so it resolves the same tfjs) adds the variant `before`: Estimator.train of that build on the
// same pre-sliced batches, interleaved with the others in the same process, for a before/after.
// Usage: node bench/train/overhead-ab.mjs [--model mlp] [--steps 60] [--rounds 5] [--config wasm-ours]
//        [--variants core,core-data,estimator,estimator-batches] [--compare packages/estimator/dist-before]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tf } from './deps.mjs';
import { MODELS, makeData } from './models.mjs';
import { makeRunners, selectBackend } from './worker.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const model = opt('model', 'mlp');
const steps = Number(opt('steps', 60));
const rounds = Number(opt('rounds', 5));
const variants = opt('variants', 'core,core-data,estimator,estimator-batches').split(',');
const threads = await selectBackend(opt('config', 'wasm-ours'));
let cleanupAll;
const { runners, cleanup } = await makeRunners(model, variants, steps, null);
if (args.includes('--compare')) {
  const other = await import(pathToFileURL(`${resolve(opt('compare'))}/index.js`).href);
  const { batch } = MODELS[model];
  const { x, labels } = makeData(model, steps * batch);
  const slices = Array.from({ length: steps }, (_, i) => [
    tf.slice(x, i * batch, batch),
    tf.slice(labels, i * batch, batch),
  ]);
  tf.dispose([x, labels]);
  // The same model_fn, written against the other build's layers, losses and optimizer.
  const modelFn = (features, l, mode, params) => {
    const h = other.layers.dense(features, 256, { activation: 'relu', name: 'fc1' });
    const logits = other.layers.dense(h, 10, { name: 'logits' });
    const loss = other.losses.sparseSoftmaxCrossEntropy({ labels: l, logits });
    return { mode, loss, trainOp: new other.AdamOptimizer({ learningRate: params.learning_rate }).minimize(loss) };
  };
  if (model !== 'mlp') throw new Error('overhead-ab.mjs: --compare supports --model mlp only.');
  // Each build numbers its Estimators' engine scopes (est0, est1, …) from 0: skip the numbers this build used.
  const make = () =>
    new other.Estimator({
      modelFn,
      params: { learning_rate: MODELS.mlp.lr },
      config: new other.RunConfig({ storage: new other.MemoryStorage('bench-before'), randomSeed: 1 }),
      log: () => {},
    });
  for (let i = 0; i < 4; i++) make().dispose();
  const estimator = new other.Estimator({
    modelFn,
    params: { learning_rate: MODELS.mlp.lr },
    config: new other.RunConfig({ storage: new other.MemoryStorage('bench-before'), randomSeed: 1 }),
    log: () => {},
  });
  const input = async function* () {
    for (let i = 0; ; i = (i + 1) % steps) yield slices[i].map((t) => tf.reshape(t, t.shape));
  };
  runners.before = async () => {
    const cpu = [];
    const timer = { afterRun: () => void cpu.push((process.cpuUsage().user + process.cpuUsage().system) / 1000) };
    await estimator.train(input, { steps, hooks: [timer] });
    return { cpu };
  };
  variants.push('before');
  const done = cleanup;
  cleanupAll = async () => {
    estimator.dispose();
    tf.dispose(slices.flat());
    await done();
  };
}
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const v of variants) await runners[v](); // warm-up
// Steady state: CPU time from the first step's end to the last's (what `pnpm bench` calls steady); whole call:
// train()'s own setup, build pass and final checkpoint included.
const perStep = Object.fromEntries(variants.map((v) => [v, []]));
const perCall = Object.fromEntries(variants.map((v) => [v, []]));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[(k + r) % variants.length];
    const c0 = cpuMs();
    const { cpu } = await runners[v]();
    perCall[v].push((cpuMs() - c0) / steps);
    perStep[v].push((cpu.at(-1) - cpu[0]) / (cpu.length - 1));
  }
}
await (cleanupAll ?? cleanup)();
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const out = Object.fromEntries(variants.map((v) => [v, Number(med(perStep[v]).toFixed(3))]));
const outCall = Object.fromEntries(variants.map((v) => [v, Number(med(perCall[v]).toFixed(3))]));
const base = out.core;
console.log(
  `${MODELS[model].name}, ${threads} thread(s), ${steps} steps × ${rounds} rounds: median CPU-ms/step, steady (whole call)`,
);
// Paired by round (the rounds run back to back, so a round's neighbours load every variant alike): the median of
// each round's difference to the hand-written loop is steadier than the difference of the medians.
const overMs = {};
for (const v of variants) {
  if (!base || v === 'core') {
    console.log(`  ${v.padEnd(18)} ${out[v].toFixed(2)} (${outCall[v].toFixed(2)})`);
    continue;
  }
  overMs[v] = Number(med(perStep[v].map((x, r) => x - perStep.core[r])).toFixed(3));
  console.log(
    `  ${v.padEnd(18)} ${out[v].toFixed(2)} (${outCall[v].toFixed(2)}); paired: ${overMs[v] >= 0 ? '+' : ''}${overMs[v].toFixed(2)} ms/step over core`,
  );
}
console.log(
  JSON.stringify({
    model,
    threads,
    steps,
    rounds,
    cpuMsPerStep: out,
    cpuMsPerStepWholeCall: outCall,
    overCoreMs: overMs,
    samples: perStep,
  }),
);
if (tf.memory().numTensors !== 0) console.log(`(${tf.memory().numTensors} tensors still alive)`);
