// One training benchmark process: one backend configuration × one model; every loop variant runs here, in
// interleaved rounds after a warm-up, so the ratios between variants come from the same process and minute.
// Prints one JSON line. Run by bench/run.mjs; by hand:
//   node bench/train/worker.mjs --config wasm-ours --model mlp [--rounds 5] [--steps 40] [--warmup-rounds 1]
//        [--variants core,core-data,estimator,estimator-batches,layers]
// Kernel registration is global, so each backend configuration needs its own process.
import { backends, data, est, loadCpu, loadLayers, loadWasm, tf } from './deps.mjs';
import { MODELS, makeCoreModel, makeData, makeLayersModel, modelFnFor } from './models.mjs';

export const CONFIGS = ['cpu-stock', 'wasm-stock', 'wasm-ours', 'wasm-ours-auto', 'native-1', 'native-auto'];
export const VARIANTS = ['core', 'core-data', 'estimator', 'estimator-batches', 'layers'];

function flag(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

/**
 * Stock = the plain tfjs backend packages (gradients registered, one thread); ours = useBackend('wasm') with our
 * kernels, on one thread (`wasm-ours`) or on the default `threads: 'auto'` (`wasm-ours-auto`). Returns the threads.
 */
export async function selectBackend(config) {
  // native-*: useBackend('native') (@estimatorjs/native, oneDNN) on one thread or threads: 'auto'.
  if (config.startsWith('native')) {
    return (await backends.useBackend('native', { threads: config === 'native-1' ? 1 : 'auto' })).threads;
  }
  if (config.startsWith('wasm-ours')) {
    return (await backends.useBackend('wasm', { threads: config === 'wasm-ours' ? 1 : 'auto' })).threads;
  }
  await backends.registerGradients();
  const name = config === 'cpu-stock' ? 'cpu' : 'wasm';
  await (name === 'cpu' ? loadCpu() : loadWasm());
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
  return 1;
}

/**
 * The backend's best matmul rate (GFLOP/s) on square products, after the training rounds: the peak the models'
 * own GFLOP/s are compared with. Best of 3 runs per size.
 */
async function matmulPeakGflops() {
  let best = 0;
  for (const n of [256, 512, 1024]) {
    const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
    const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
    tf.tidy(() => tf.matMul(a, b)).dispose();
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      await c.data();
      best = Math.max(best, (2 * n ** 3) / ((performance.now() - t0) * 1e6));
      c.dispose();
    }
    tf.dispose([a, b]);
  }
  return best;
}

/** The process's CPU time (user + system, all threads) in ms: per-step stamps for bench/train/overhead-ab.mjs. */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? null : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Each runner does `steps` training steps and returns { wallMs, stamps }: `stamps` are performance.now() after
 * every step, so all variants get the same steady-state measure (first to last completed step).
 */
export async function makeRunners(model, variants, steps, tfl) {
  const { batch } = MODELS[model];
  const n = steps * batch;
  const { x, labels } = makeData(model, n);
  const batches = [];
  for (let i = 0; i < steps; i++) {
    batches.push({
      x: tf.slice(x, i * batch, batch),
      labels: tf.slice(labels, i * batch, batch),
    });
  }
  const dataset = () => data.Dataset.fromTensorSlices([x, labels]).batch(batch).repeat();
  const runners = {};
  const cleanups = [() => tf.dispose([x, labels, ...batches.flatMap((b) => [b.x, b.labels])])];

  if (variants.includes('core') || variants.includes('core-data')) {
    // Separate models so both keep their own optimizer state, as two users would.
    const timeCore = (m, next) => async () => {
      const stamps = [];
      const cpu = [];
      const t0 = performance.now();
      for (let i = 0; i < steps; i++) {
        const b = await next(i);
        const loss = m.step(b.x, b.labels);
        await loss.data();
        loss.dispose();
        b.release?.();
        stamps.push(performance.now());
        cpu.push(cpuNow());
      }
      return { wallMs: performance.now() - t0, stamps, cpu };
    };
    if (variants.includes('core')) {
      const m = makeCoreModel(model);
      cleanups.push(() => m.dispose());
      runners.core = timeCore(m, (i) => batches[i]);
    }
    if (variants.includes('core-data')) {
      const m = makeCoreModel(model);
      const it = dataset().makeOneShotIterator();
      cleanups.push(async () => {
        await it.return();
        m.dispose();
      });
      runners['core-data'] = timeCore(m, async () => {
        const r = await it.next();
        const [bx, bl] = r.value;
        return { x: bx, labels: bl, release: () => tf.dispose(r.value) };
      });
    }
  }

  // Estimator.train on our Dataset (what users write), and fed the hand-written loop's own pre-sliced batches:
  // the second isolates the Estimator from the input pipeline. The Estimator disposes each element it is given,
  // so it gets reshape views (they share the batch's memory on every backend: no copy).
  const sameBatches = async function* () {
    for (let i = 0; ; i = (i + 1) % steps) {
      yield [tf.reshape(batches[i].x, batches[i].x.shape), tf.reshape(batches[i].labels, batches[i].labels.shape)];
    }
  };
  for (const [variant, input] of [
    ['estimator', dataset],
    ['estimator-batches', sameBatches],
  ]) {
    if (!variants.includes(variant)) continue;
    const { modelFn, params } = modelFnFor(model);
    const estimator = new est.Estimator({
      modelFn,
      params,
      config: new est.RunConfig({ storage: new est.MemoryStorage(`bench-${variant}`), randomSeed: 1 }),
      log: () => {},
    });
    cleanups.push(() => estimator.dispose());
    runners[variant] = async () => {
      const stamps = [];
      const cpu = [];
      const timer = {
        afterRun: () => {
          stamps.push(performance.now());
          cpu.push(cpuNow());
        },
      };
      const t0 = performance.now();
      await estimator.train(input, { steps, hooks: [timer] });
      return { wallMs: performance.now() - t0, stamps, cpu };
    };
  }

  if (variants.includes('layers')) {
    const m = makeLayersModel(tfl, model);
    const y = tf.cast(tf.reshape(labels, [-1, 1]), 'float32');
    cleanups.push(() => {
      m.dispose();
      y.dispose();
      m.optimizer?.dispose();
    });
    runners.layers = async () => {
      const stamps = [];
      const t0 = performance.now();
      await m.fit(x, y, {
        batchSize: batch,
        epochs: 1,
        shuffle: false,
        verbose: 0,
        callbacks: { onBatchEnd: async () => void stamps.push(performance.now()) },
      });
      return { wallMs: performance.now() - t0, stamps };
    };
  }
  return { runners, cleanup: async () => Promise.all(cleanups.map((c) => c())) };
}

export async function runWorker(args) {
  const config = flag(args, 'config', 'wasm-ours');
  const model = flag(args, 'model', 'mlp');
  const rounds = Number(flag(args, 'rounds', 5));
  const steps = Number(flag(args, 'steps', 40));
  const warmupRounds = Number(flag(args, 'warmup-rounds', 1));
  const variants = flag(args, 'variants', VARIANTS.join(',')).split(',');
  if (!CONFIGS.includes(config) || !MODELS[model] || variants.some((v) => !VARIANTS.includes(v))) {
    throw new Error(
      `bench/train/worker.mjs: unknown --config/--model/--variants. Received ${config}/${model}/${variants}; expected ${CONFIGS} / ${Object.keys(MODELS)} / ${VARIANTS}.`,
    );
  }
  const threads = await selectBackend(config);
  const tfl = variants.includes('layers') ? await loadLayers() : null;
  const tensorsAtStart = tf.memory().numTensors;
  const { batch } = MODELS[model];
  const results = Object.fromEntries(variants.map((v) => [v, { rounds: [], error: null }]));
  const { runners, cleanup } = await makeRunners(model, variants, steps, tfl);
  const t0 = performance.now();
  // Warm-up: JIT, kernel setup, optimizer slots, the Estimator's first build pass; not timed. V8 optimizes a
  // function called once a step (the train loop's, the hooks') only after some hundreds of calls: on the MLP's ~2 ms
  // native steps the CPU time per step kept falling for ~1,800 steps (3.6 → 2.0 ms), hence `--warmup-rounds`.
  for (let w = 0; w < warmupRounds; w++) {
    for (const v of variants) {
      if (results[v].error) continue;
      try {
        await runners[v]();
      } catch (e) {
        results[v].error = String(e?.message ?? e).split('\n')[0];
      }
    }
  }
  const live = variants.filter((v) => !results[v].error);
  const tensorsAfterWarmup = tf.memory().numTensors;
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no variant always runs first (thermal, GC and neighbour noise).
    for (let k = 0; k < live.length; k++) {
      const v = live[(k + r) % live.length];
      const { wallMs, stamps } = await runners[v]();
      const steadyMs = stamps.length > 1 ? (stamps.at(-1) - stamps[0]) / (stamps.length - 1) : wallMs / steps;
      results[v].rounds.push({
        wallExPerSec: (steps * batch) / (wallMs / 1000),
        steadyExPerSec: batch / (steadyMs / 1000),
        fixedMs: wallMs - steadyMs * steps,
        numTensors: tf.memory().numTensors,
      });
    }
  }
  const tensorsAfterRounds = tf.memory().numTensors;
  await cleanup();
  const peakRssMB = process.resourceUsage().maxRSS / 1024; // before the matmul probe's 1024² operands
  const matmulGflops = config === 'cpu-stock' ? null : await matmulPeakGflops();
  const out = {
    config,
    model,
    batch,
    steps,
    rounds,
    seconds: (performance.now() - t0) / 1000,
    backend: tf.getBackend(),
    threads,
    matmulGflops,
    variants: Object.fromEntries(
      variants.map((v) => {
        const rs = results[v].rounds;
        return [
          v,
          {
            error: results[v].error,
            steadyExPerSec: median(rs.map((r) => r.steadyExPerSec)),
            wallExPerSec: median(rs.map((r) => r.wallExPerSec)),
            fixedMs: median(rs.map((r) => r.fixedMs)),
            rounds: rs,
          },
        ];
      }),
    ),
    // Tensors still alive while the models exist (variables, optimizer slots) and what is left after disposing.
    numTensors: { start: tensorsAtStart, afterWarmup: tensorsAfterWarmup, afterRounds: tensorsAfterRounds },
    numTensorsEnd: tf.memory().numTensors - tensorsAtStart,
    peakRssMB,
  };
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await runWorker(process.argv.slice(2));
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
