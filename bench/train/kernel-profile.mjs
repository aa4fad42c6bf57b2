// Which wasm kernels dominate a training step? Trains `--model` (default: the reference CNN, examples/mnist's
// model_fn) through Estimator.train on `useBackend('wasm', { threads })`, batch 128, Adam, and times every kernel
// call of the wasm backend: each registered kernelFunc is wrapped by a timer (self time: a kernel that calls
// other kernels, as our composite gradients do, is charged only for its own part). Prints a table of ms per step
// by kernel and by kernel + input shapes. `--cpu` times with the process's CPU clock instead of the wall clock
// (on a machine shared with other jobs, one thread's CPU time measures the work, not the neighbours); `--dist`
// loads @estimatorjs/backends from another build (e.g. of an older commit) for a before/after.
// Usage: node bench/train/kernel-profile.mjs [--model cnn|mlp] [--threads 1|2|auto] [--steps 10] [--top 25] [--cpu]
//        [--backend wasm|native]
//        [--dist packages/backends/dist] [--composite-optimizer]
// `--composite-optimizer` unregisters the fused optimizer kernel (@estimatorjs/io's APPLY_ADAM_KERNEL), so Adam
// runs as its elementwise ops, as before it existed: a same-build before/after of the fused update.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { est, backends as ours, tf } from './deps.mjs';
import { MODELS, makeData, modelFnFor } from './models.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const model = opt('model', 'cnn');
const threadsFlag = opt('threads', '1');
const steps = Number(opt('steps', 10));
const top = Number(opt('top', 25));
const cpuClock = args.includes('--cpu');
const now = cpuClock
  ? () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    }
  : () => performance.now();
const backends = args.includes('--dist') ? await import(pathToFileURL(`${resolve(opt('dist'))}/index.js`).href) : ours;

const backendName = opt('backend', 'wasm');
const info = await backends.useBackend(backendName, { threads: threadsFlag === 'auto' ? 'auto' : Number(threadsFlag) });
if (args.includes('--composite-optimizer')) {
  const { APPLY_ADAM_KERNEL } = await import(new URL('../../packages/io/dist/index.js', import.meta.url).href);
  if (tf.getKernel(APPLY_ADAM_KERNEL, backendName)) tf.unregisterKernel(APPLY_ADAM_KERNEL, backendName);
}
const byKernel = new Map();
const byShape = new Map();
let timing = false;
const stack = [];
for (const config of tf.getKernelsForBackend(backendName)) {
  const inner = config.kernelFunc;
  config.kernelFunc = (a) => {
    if (!timing) return inner(a);
    const t0 = now();
    stack.push(0);
    try {
      return inner(a);
    } finally {
      const total = now() - t0;
      const nested = stack.pop();
      if (stack.length > 0) stack[stack.length - 1] += total;
      const self = total - nested;
      const k = config.kernelName;
      const shapes = Object.entries(a.inputs)
        .map(([n, t]) => `${n}[${t?.shape?.join(',') ?? ''}]`)
        .join(' ');
      const key = `${k} ${shapes}`;
      for (const [m, kk] of [
        [byKernel, k],
        [byShape, key],
      ]) {
        const e = m.get(kk) ?? { ms: 0, calls: 0 };
        e.ms += self;
        e.calls += 1;
        m.set(kk, e);
      }
    }
  };
}

const { batch } = MODELS[model];
const { x, labels } = makeData(model, steps * batch);
// Pre-sliced batches (the Estimator disposes what it is given): the kernels of the input pipeline stay out.
const input = () =>
  async function* () {
    for (let i = 0; ; i = (i + 1) % steps) yield [tf.slice(x, i * batch, batch), tf.slice(labels, i * batch, batch)];
  };
const { modelFn, params } = modelFnFor(model);
const estimator = new est.Estimator({
  modelFn,
  params,
  config: new est.RunConfig({ storage: new est.MemoryStorage('kernel-profile'), randomSeed: 1 }),
  log: () => {},
});
await estimator.train(input(), { steps: 3 }); // warm-up: build pass, optimizer slots, JIT
const stamps = [];
timing = true;
const t0 = performance.now();
await estimator.train(input(), { steps, hooks: [{ afterRun: () => void stamps.push(now()) }] });
const wall = performance.now() - t0;
timing = false;
const stepMs = (stamps.at(-1) - stamps[0]) / (stamps.length - 1);
const kernelMs = [...byKernel.values()].reduce((s, e) => s + e.ms, 0) / steps;
const kernelCalls = [...byKernel.values()].reduce((s, e) => s + e.calls, 0) / steps;
const rows = (m) =>
  [...m.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([k, e]) => `| ${k} | ${(e.ms / steps).toFixed(2)} | ${(e.calls / steps).toFixed(1)} |`);
console.log(
  `## Kernel profile: ${MODELS[model].name}, Estimator.train, wasm ${info.threads} thread(s), batch ${batch}, ${steps} steps`,
);
console.log();
console.log(
  `step ${stepMs.toFixed(1)} ${cpuClock ? 'CPU-' : ''}ms (${((batch / stepMs) * 1000).toFixed(0)} ex/${cpuClock ? 'CPU-' : ''}s, timers on); kernels ${kernelMs.toFixed(1)} ${cpuClock ? 'CPU-' : ''}ms/step in ${kernelCalls.toFixed(0)} calls; wall ${(wall / steps).toFixed(1)} ms/step`,
);
console.log();
console.log('| kernel | ms/step (self) | calls/step |\n|---|---:|---:|');
console.log(rows(byKernel).join('\n'));
console.log();
console.log('| kernel + inputs | ms/step (self) | calls/step |\n|---|---:|---:|');
console.log(rows(byShape).join('\n'));
estimator.dispose();
tf.dispose([x, labels]);
