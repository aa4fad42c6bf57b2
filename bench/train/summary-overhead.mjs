// What writing summaries every step costs the reference MNIST CNN on our wasm backend (issue 7's < 5% target):
// Estimator.train with saveSummarySteps = 1 (loss, learning rate, gradient norm, a histogram per variable, the
// model_fn's input images, event files on disk) against saveSummarySteps = 1e9 (only the first step's), interleaved
// in one process. Prints a markdown line and one JSON line.
//   node bench/train/summary-overhead.mjs [--steps 30] [--rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, est, mnist, tf } from './deps.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg('steps', 30);
const rounds = arg('rounds', 3);
const batch = 128;

await backends.useBackend('wasm');
const n = 2048;
const images = new Float32Array(n * 784).map((_, i) => ((i * 2654435761) % 1000) / 1000);
const labels = Int32Array.from({ length: n }, (_, i) => i % 10);
const digits = { images, labels, count: n };

async function run(summaryEvery) {
  const dir = mkdtempSync(join(tmpdir(), 'summary-overhead-'));
  try {
    const estimator = new est.Estimator({
      modelFn: mnist.mnistModelFn,
      params: { learning_rate: 0.002, dropout_rate: 0.5 },
      config: new est.RunConfig({
        modelDir: dir,
        randomSeed: 1,
        saveSummarySteps: summaryEvery,
        saveCheckpointsSteps: 1e9,
        logStepCountSteps: 1e9,
      }),
      log: () => {},
    });
    const [warmFn, warmHook] = mnist.getTrainInputs(digits, batch, 1);
    await estimator.train(warmFn, { steps: 2, hooks: [warmHook] });
    const [inputFn, hook] = mnist.getTrainInputs(digits, batch, 1);
    const t0 = performance.now();
    await estimator.train(inputFn, { steps, hooks: [hook] });
    const secs = (performance.now() - t0) / 1000;
    estimator.dispose();
    return (steps * batch) / secs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const every = [];
const rarely = [];
for (let r = 0; r < rounds; r++) {
  if (r % 2 === 0) {
    every.push(await run(1));
    rarely.push(await run(1e9));
  } else {
    rarely.push(await run(1e9));
    every.push(await run(1));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const a = median(every);
const b = median(rarely);
const cost = 1 - a / b;
console.log(
  `| summaries every step | ${a.toFixed(1)} ex/s | without | ${b.toFixed(1)} ex/s | cost | ${(cost * 100).toFixed(1)}% |`,
);
console.log(
  JSON.stringify({
    steps,
    rounds,
    batch,
    everyStep: every,
    rarely,
    costFraction: cost,
    numTensors: tf.memory().numTensors,
  }),
);
