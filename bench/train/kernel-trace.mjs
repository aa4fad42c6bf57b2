// One steady-state step of the bench's MLP through Estimator.train, every kernel dispatched listed in order with
// its input shapes and the nearest non-tfjs caller (file:line). For finding the dispatches a step does not need.
// Usage: node bench/train/kernel-trace.mjs [--backend native|wasm] [--model mlp|cnn]
import { backends, tf } from './deps.mjs';
import { makeRunners } from './worker.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const backendName = opt('backend', 'native');
const model = opt('model', 'mlp');
await backends.useBackend(backendName, { threads: 1 });
let log = null;
for (const config of tf.getKernelsForBackend(backendName)) {
  const inner = config.kernelFunc;
  config.kernelFunc = (a) => {
    if (log) {
      const frames = (new Error().stack ?? '').split('\n').slice(2);
      const ours = frames.filter((f) => !/tfjs-core|tfjs-backend|kernel-trace|node:internal/.test(f)).slice(0, 2);
      const shapes = Object.entries(a.inputs)
        .map(([n, t]) => `${n}[${t?.shape?.join(',') ?? ''}]`)
        .join(' ');
      log.push(
        `${config.kernelName} ${shapes}  <- ${ours
          .map((f) =>
            f
              .trim()
              .replace(/^at /, '')
              .replace(/\(?file:\/\/.*\/(packages|bench|examples)\//, '$1/'),
          )
          .join(' <- ')}`,
      );
    }
    return inner(a);
  };
}
const { runners, cleanup } = await makeRunners(model, ['estimator'], 3, null);
await runners.estimator();
const all = [];
// One more train() with every kernel recorded; the middle third is a steady step.
log = [];
await runners.estimator();
all.push(...log);
console.log(`${all.length} kernels in 3 steps (incl. input pipeline): ${(all.length / 3).toFixed(1)}/step`);
console.log(all.slice(Math.floor(all.length / 3), Math.floor((2 * all.length) / 3)).join('\n'));
await cleanup();
