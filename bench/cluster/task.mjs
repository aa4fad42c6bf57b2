// One task of the cluster bench: the reference CNN (examples/mnist's mnistModelFn) on synthetic MNIST-shaped data,
// wasm with 1 thread, `batch` examples per replica, its role from TF_CONFIG (none: one worker alone).
// Usage: node bench/cluster/task.mjs <modelDir> <steps> <warmup> <batch> <heapGrowingPercent> [experiment dist URL]
// [exchange: 1 runs CollectiveAllReduce's exchange on a worker thread, overlapped with the backward pass; socket sends
// the gradients through the loopback socket even on one host (sameHostFiles: false); else the default].
// Last stdout line: JSON timing of this task. heapGrowingPercent > 0 sets V8's --heap-growing-percent before anything is allocated (what
// docs/distributed.md recommends for workers that move megabytes of gradients a step); 0 keeps V8's default.
import { setFlagsFromString } from 'node:v8';

const [modelDir, stepsArg, warmupArg, batchArg, growingArg, distArg, exchangeArg] = process.argv.slice(2);
if (Number(growingArg) > 0) setFlagsFromString(`--heap-growing-percent=${Number(growingArg)}`);
const { backends, est, tf } = await import('../train/deps.mjs');
const { MODELS, makeData, modelFnFor } = await import('../train/models.mjs');
const steps = Number(stepsArg);
const warmup = Number(warmupArg);
await backends.useBackend('wasm', { threads: 1 });
// run.mjs --dist PATH measures another build of the experiment package (before/after): it passes it here.
const { withTfConfig } = await import(
  distArg ?? new URL('../../packages/experiment/dist/node/index.js', import.meta.url).href
);
const { data } = await import('../train/deps.mjs');

const batch = Number(batchArg);
const config = withTfConfig(
  new est.RunConfig({
    modelDir,
    randomSeed: 1,
    saveCheckpointsSteps: 1_000_000,
    saveSummarySteps: 1_000_000,
    logStepCountSteps: 1_000_000,
  }),
  // Builds without the option ignore it.
  exchangeArg === '1'
    ? { collective: { thread: true } }
    : exchangeArg === 'socket'
      ? { collective: { sameHostFiles: false } }
      : {},
);
// The bench times the all-reduce itself (wall and this process's CPU per call), so builds with and without
// `stats()` fields are measured alike.
const distribute = config.trainDistribute;
const exchange = { steps: 0, wallMs: 0, cpuMs: 0 };
// Per timed step: when this replica entered and left the all-reduce (ms since the epoch, comparable across the
// processes of one machine) and this process's CPU ms used so far at each of those moments: the bench splits the
// waiting into the replicas' skew (one reached the all-reduce later) and the exchange's latency once both had.
const trace = [];
/** Times one all-reduce: from the call (the backward pass is done) until it resolved. */
const timed = async (step, reduce) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await reduce();
  const c = process.cpuUsage(c0);
  if (step >= warmup) {
    const cpuAtExit = (c0.user + c0.system + c.user + c.system) / 1000;
    trace.push([
      performance.timeOrigin + t0,
      performance.timeOrigin + performance.now(),
      (c0.user + c0.system) / 1000,
      cpuAtExit,
    ]);
    exchange.steps += 1;
    exchange.wallMs += performance.now() - t0;
    exchange.cpuMs += (c.user + c.system) / 1000;
  }
  return out;
};
if (distribute) {
  const allReduceMean = distribute.allReduceMean.bind(distribute);
  distribute.allReduceMean = (values, step) => timed(step, () => allReduceMean(values, step));
  // A build that overlaps the exchange with the backward pass: the step's wait is its mean().
  if (distribute.beginAllReduce) {
    const beginAllReduce = distribute.beginAllReduce.bind(distribute);
    distribute.beginAllReduce = (numValues, step) => {
      const exchange = beginAllReduce(numValues, step);
      return { add: (offset, values) => exchange.add(offset, values), mean: () => timed(step, () => exchange.mean()) };
    };
  }
}
const { modelFn, params } = modelFnFor('cnn');
const { x, labels } = makeData('cnn', 1024);
const estimator = new est.Estimator({ modelFn, params, config, log: () => {} });
let t0 = 0;
let t1 = 0;
let cpu0 = null;
let cpuMs = 0;
const timer = {
  beforeRun: (ctx) => {
    if (ctx.globalStep === warmup) {
      t0 = performance.now();
      cpu0 = process.cpuUsage();
    }
    return undefined;
  },
  afterRun: (ctx) => {
    if (ctx.globalStep === steps) {
      t1 = performance.now();
      const c = process.cpuUsage(cpu0);
      cpuMs = (c.user + c.system) / 1000;
    }
  },
};
const inputFn = () => data.Dataset.fromTensorSlices([x, labels]).repeat().batch(batch);
await estimator.train(inputFn, { maxSteps: steps, hooks: [timer] });
const stats = config.trainDistribute?.stats?.() ?? null;
console.log(
  JSON.stringify({
    task: `${config.taskType}:${config.taskId}`,
    replicas: Math.max(config.numWorkerReplicas, 1),
    batch,
    timedSteps: steps - warmup,
    secs: (t1 - t0) / 1000,
    // This process's CPU time (every thread: wasm, GC, the exchange) over the timed steps.
    cpuMs,
    allReduce: stats,
    exchange,
    trace,
    model: MODELS.cnn.name,
    tfVersion: tf.version_core,
  }),
);
