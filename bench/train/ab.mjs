// Before/after on one machine: Estimator.train of `--model` (default: the reference CNN) on our Dataset with the
// default hooks, batch 128, Adam, through the @estimatorjs/backends build in `--dist` (e.g. a build of an older
// commit), on `--threads`. Prints one JSON line: median steady-state examples/sec over `--rounds` rounds of
// `--steps` steps after a warm-up round, and examples per CPU-second. Run it alternately for two builds so both
// see the same machine.
// Usage: node bench/train/ab.mjs --dist packages/backends/dist [--threads 1|auto] [--model cnn] [--steps 8] [--rounds 3]
//        [--backend wasm|native]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { data, est } from './deps.mjs';
import { MODELS, makeData, modelFnFor } from './models.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const dist = resolve(opt('dist', new URL('../../packages/backends/dist', import.meta.url).pathname));
const threadsFlag = opt('threads', '1');
const model = opt('model', 'cnn');
const steps = Number(opt('steps', 8));
const rounds = Number(opt('rounds', 3));
const backends = await import(pathToFileURL(`${dist}/index.js`).href);
const info = await backends.useBackend(opt('backend', 'wasm'), {
  threads: threadsFlag === 'auto' ? 'auto' : Number(threadsFlag),
});
const { batch } = MODELS[model];
const { x, labels } = makeData(model, steps * batch);
const { modelFn, params } = modelFnFor(model);
const estimator = new est.Estimator({
  modelFn,
  params,
  config: new est.RunConfig({ storage: new est.MemoryStorage('ab'), randomSeed: 1 }),
  log: () => {},
});
const input = () => data.Dataset.fromTensorSlices([x, labels]).batch(batch).repeat();
// Wall time per step, and CPU time per step (user + system of the whole process, worker threads included): on a
// machine shared with other jobs the wall clock measures the neighbours too, while one thread's CPU time per step
// stays a fair measure of the work (a threaded run's CPU time also counts its threads' spinning).
const round = async () => {
  const stamps = [];
  const cpu = [];
  const hook = {
    afterRun: () => {
      stamps.push(performance.now());
      const u = process.cpuUsage();
      cpu.push((u.user + u.system) / 1000);
    },
  };
  await estimator.train(input, { steps, hooks: [hook] });
  const n = stamps.length - 1;
  return { wall: batch / ((stamps.at(-1) - stamps[0]) / n / 1000), cpu: batch / ((cpu.at(-1) - cpu[0]) / n / 1000) };
};
await round();
const results = [];
for (let r = 0; r < rounds; r++) results.push(await round());
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rates = results.map((r) => r.wall);
console.log(
  JSON.stringify({
    dist,
    backend: info.name,
    threads: info.threads,
    model,
    exPerSec: med(rates),
    exPerCpuSec: med(results.map((r) => r.cpu)),
    rates,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
estimator.dispose();
