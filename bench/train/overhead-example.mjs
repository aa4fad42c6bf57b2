// The Estimator's overhead as issue 16 defines it: Estimator.train with the example's own input pipeline
// (examples/mnist getTrainInputs: placeholders → repeat → shuffle(10000) → batch(128), fed by its iterator hook), the
// example CLI's RunConfig (event files and checkpoints in a real model_dir, summaries and step-rate logs every 100
// steps) and its default hooks, against a hand-written tfjs-core loop (bench/train/models.mjs) on the same input, in
// one process, interleaved. Measures CPU time (process.cpuUsage, all threads), so neighbours on a shared machine
// do not count:
//   core        the hand-written loop on pre-sliced batches (the cheapest input there is)
//   core-input  the hand-written loop drawing its batches from the example's pipeline
//   estimator   Estimator.train(getTrainInputs(...)) as examples/mnist runs it
// Prints CPU-ms per step (steady state: first step's end to last step's end, and the whole call: train()'s setup and
// final checkpoint included), the per-round paired overheads, and the peak RSS; then one JSON line.
// Usage: node bench/train/overhead-example.mjs [--model cnn|mlp] [--steps 20] [--rounds 3] [--threads 1|auto]
//        [--variants core,core-input,estimator]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backends, est, mnist, tf } from './deps.mjs';
import { MODELS, makeCoreModel, makeData, modelFnFor } from './models.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const model = opt('model', 'cnn');
const steps = Number(opt('steps', model === 'cnn' ? 20 : 100));
const rounds = Number(opt('rounds', 3));
const threadsOpt = opt('threads', '1');
const variants = opt('variants', 'core,core-input,estimator').split(',');
const { batch } = MODELS[model];

const { threads } = await backends.useBackend('wasm', { threads: threadsOpt === 'auto' ? 'auto' : Number(threadsOpt) });
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// The example's data: a DigitSet of 8,000 MNIST-shaped images (the size of its embedded training split).
const count = 8000;
const made = makeData(model, count);
const digits = { images: made.x.dataSync().slice(), labels: Int32Array.from(made.labels.dataSync()), count };
tf.dispose([made.x, made.labels]);
const shape = [batch, ...MODELS[model].inputShape];
const preSliced = Array.from({ length: Math.min(steps, Math.floor(count / batch)) }, (_, i) => ({
  x: tf.tensor(digits.images.subarray(i * batch * 784, (i + 1) * batch * 784), shape),
  labels: tf.tensor1d(digits.labels.subarray(i * batch, (i + 1) * batch), 'int32'),
}));

/** The example's pipeline, opened and fed as its IteratorInitializerHook does. */
async function openExampleInput(seed) {
  const [inputFn, hook] = mnist.getTrainInputs(digits, batch, seed);
  const iterator = inputFn();
  await hook.afterCreateSession();
  return iterator;
}

const runners = {};
const cleanups = [() => tf.dispose(preSliced.flatMap((b) => [b.x, b.labels]))];
const coreLoop = (m, next) => async () => {
  const cpu = [];
  for (let i = 0; i < steps; i++) {
    const b = await next(i);
    const loss = m.step(b.x, b.labels);
    await loss.data();
    loss.dispose();
    b.release?.();
    cpu.push(cpuMs());
  }
  return cpu;
};
if (variants.includes('core')) {
  const m = makeCoreModel(model);
  cleanups.push(() => m.dispose());
  runners.core = coreLoop(m, (i) => preSliced[i % preSliced.length]);
}
if (variants.includes('core-input')) {
  const m = makeCoreModel(model);
  const it = await openExampleInput(1);
  cleanups.push(async () => {
    await it.return?.();
    m.dispose();
  });
  runners['core-input'] = coreLoop(m, async () => {
    const { value } = await it.next();
    // The example's images are [N, 28, 28, 1]; the MLP takes them flat (a reshape shares the memory).
    const x = model === 'mlp' ? tf.reshape(value[0], [-1, 784]) : value[0];
    return { x, labels: value[1], release: () => tf.dispose([...value, x]) };
  });
}
if (variants.includes('estimator')) {
  const dir = mkdtempSync(join(tmpdir(), 'overhead-example-'));
  const { modelFn: fn, params } = modelFnFor(model);
  const modelFn = model === 'mlp' ? (f, l, mode, p) => fn(tf.reshape(f, [-1, 784]), l, mode, p) : fn;
  // examples/mnist/src/cli.ts's runConfigFor, with a fixed seed.
  const estimator = new est.Estimator({
    modelFn,
    params,
    config: new est.RunConfig({
      modelDir: dir,
      saveCheckpointsSteps: 100,
      keepCheckpointMax: 5,
      saveSummarySteps: 100,
      logStepCountSteps: 100,
      randomSeed: 1,
    }),
    log: () => {},
  });
  cleanups.push(() => {
    estimator.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  runners.estimator = async () => {
    const cpu = [];
    const [inputFn, inputHook] = mnist.getTrainInputs(digits, batch, 1);
    const timer = { afterRun: () => void cpu.push(cpuMs()) };
    await estimator.train(inputFn, { steps, hooks: [inputHook, timer] });
    return cpu;
  };
}

for (const v of variants) await runners[v](); // warm-up: JIT, kernel setup, optimizer slots, the build pass
const perStep = Object.fromEntries(variants.map((v) => [v, []]));
const perCall = Object.fromEntries(variants.map((v) => [v, []]));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < variants.length; k++) {
    const v = variants[(k + r) % variants.length];
    const c0 = cpuMs();
    const cpu = await runners[v]();
    perCall[v].push((cpuMs() - c0) / steps);
    perStep[v].push((cpu.at(-1) - cpu[0]) / (cpu.length - 1));
  }
}
await Promise.all(cleanups.map((c) => c()));
const peakRssMB = process.resourceUsage().maxRSS / 1024;
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const round3 = (x) => Number(x.toFixed(3));
const steady = Object.fromEntries(variants.map((v) => [v, round3(med(perStep[v]))]));
const whole = Object.fromEntries(variants.map((v) => [v, round3(med(perCall[v]))]));
// Paired by round: the median of each round's ratio to the hand-written loop.
const overhead = {};
for (const base of ['core', 'core-input']) {
  if (!variants.includes(base) || !variants.includes('estimator')) continue;
  overhead[`estimator/${base}`] = round3(med(perStep.estimator.map((x, r) => x / perStep[base][r] - 1)));
}
console.log(
  `${MODELS[model].name}, ${threads} thread(s), ${steps} steps × ${rounds} rounds: median CPU-ms/step, steady (whole call)`,
);
for (const v of variants) console.log(`  ${v.padEnd(11)} ${steady[v].toFixed(2)} (${whole[v].toFixed(2)})`);
for (const [k, x] of Object.entries(overhead)) console.log(`  overhead ${k}: ${(x * 100).toFixed(1)}% (paired)`);
console.log(`  peak RSS ${peakRssMB.toFixed(0)} MB; ${tf.memory().numTensors} tensors left`);
console.log(
  JSON.stringify({
    model,
    threads,
    steps,
    rounds,
    cpuMsPerStep: steady,
    cpuMsPerStepWholeCall: whole,
    overhead,
    peakRssMB,
    numTensors: tf.memory().numTensors,
    samples: perStep,
  }),
);
