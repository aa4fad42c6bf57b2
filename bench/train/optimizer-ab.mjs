// What the fused optimizer kernels save, measured alone: AdamOptimizer's (or momentum's) update of the MLP's or the
// CNN's variables, with the backend's fused kernel and with it unregistered (the composite elementwise ops), in
// alternating rounds, timed with the process's CPU clock (the work, not the neighbours, on a shared machine).
// Prints CPU-ms per update and the kernel dispatches per update for each.
// Usage: node bench/train/optimizer-ab.mjs [--backend native|wasm|cpu] [--model mlp|cnn] [--optimizer adam|momentum]
//        [--rounds 5] [--steps 50]
import { backends, est, tf } from './deps.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const backendName = opt('backend', 'native');
const model = opt('model', 'mlp');
const kind = opt('optimizer', 'adam');
const rounds = Number(opt('rounds', 5));
const steps = Number(opt('steps', 50));
const { APPLY_ADAM_KERNEL, APPLY_MOMENTUM_KERNEL } = await import(
  new URL('../../packages/io/dist/index.js', import.meta.url).href
);
const kernelName = kind === 'adam' ? APPLY_ADAM_KERNEL : APPLY_MOMENTUM_KERNEL;

await backends.useBackend(backendName, backendName === 'cpu' ? {} : { threads: 1 });
const SHAPES = {
  mlp: [[784, 256], [256], [256, 10], [10]],
  // examples/mnist's model_fn: conv 5×5×1×20, conv 5×5×20×40, dense 1960→256→256→10, each with a bias.
  cnn: [[5, 5, 1, 20], [20], [5, 5, 20, 40], [40], [1960, 256], [256], [256, 256], [256], [256, 10], [10]],
};
const vars = SHAPES[model].map((s, i) => tf.variable(tf.randomNormal(s, 0, 0.1, 'float32', i), true, `v${i}`));
const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.randomNormal(v.shape, 0, 0.1, 'float32', 100 + i)]));
const optimizer = (
  kind === 'adam' ? new est.AdamOptimizer() : new est.MomentumOptimizer({ learningRate: 0.01, momentum: 0.9 })
).create(0.001);
const kernel = tf.getKernel(kernelName, backendName);
if (!kernel) throw new Error(`${kernelName} is not registered for ${backendName}`);

let dispatches = 0;
const counted = tf.getKernelsForBackend(backendName);
for (const config of counted) {
  const inner = config.kernelFunc;
  config.kernelFunc = (a) => {
    dispatches++;
    return inner(a);
  };
}

function run(fused) {
  if (!fused) tf.unregisterKernel(kernelName, backendName);
  try {
    optimizer.applyGradients(grads); // warm-up
    dispatches = 0;
    const c0 = process.cpuUsage();
    for (let i = 0; i < steps; i++) optimizer.applyGradients(grads);
    const c = process.cpuUsage(c0);
    return { ms: (c.user + c.system) / 1000 / steps, calls: dispatches / steps };
  } finally {
    if (!fused) tf.registerKernel(kernel);
  }
}

const results = { fused: [], composite: [] };
for (let r = 0; r < rounds; r++) {
  for (const mode of r % 2 === 0 ? ['composite', 'fused'] : ['fused', 'composite']) {
    results[mode].push(run(mode === 'fused'));
  }
}
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${kind} update of the ${model}'s variables on ${backendName}, ${rounds} alternating rounds of ${steps}:`);
for (const mode of ['composite', 'fused']) {
  const ms = results[mode].map((x) => x.ms);
  console.log(
    `  ${mode.padEnd(9)} ${median(ms).toFixed(3)} CPU-ms/update (rounds ${ms.map((x) => x.toFixed(2)).join(' ')}), ${results[mode][0].calls.toFixed(0)} kernels/update`,
  );
}
console.log(
  `  saved ${(median(results.composite.map((x) => x.ms)) - median(results.fused.map((x) => x.ms))).toFixed(3)} CPU-ms/update`,
);
