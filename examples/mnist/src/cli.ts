#!/usr/bin/env -S node --max-semi-space-size=4
// --max-semi-space-size=4 (here, in the package scripts and in `pnpm mnist`): V8 grows its young generation to two
// 16 MB halves under a training loop's per-step garbage (tensor and tape bookkeeping that lives through a step);
// 4 MB halves cut the process's peak RSS by 25-45 MB at no measurable speed cost (docs/performance.md, Memory).
import { totalmem } from 'node:os';
/**
 * The MNIST estimator example as a command line tool:
 *   pnpm mnist [train] --model_dir ./mnist_training --data_dir ./mnist_data --train_steps 300
 *   pnpm mnist --schedule train | evaluate | train_and_evaluate | continuous_eval | test
 *   pnpm mnist:predict --model_dir ./mnist_training
 *   pnpm mnist:export --model_dir ./mnist_training --export_dir ./mnist_export [--formats graph_model,onnx]
 * `--schedule continuous_eval` is meant to run as a second process beside `--schedule train` on the same model_dir.
 */
import { Estimator, HParams, RunConfig } from '@estimatorjs/estimator';
import { Experiment, learnRunner } from '@estimatorjs/experiment';
import { ProgressBarHook } from '@estimatorjs/hooks';
import { exportMnist } from './export-model.js';
import { FlagError, type Flags, parseFlags, shellQuote, usage } from './flags.js';
import { getEvalInputs, getTrainInputs } from './inputs.js';
import { handleInterrupts, InterruptedError } from './interrupt.js';
import { allocationFailed, checkBatchMemory } from './memory-check.js';
import { loadMnist, type MnistData } from './mnist-data.js';
import { type MnistParams, mnistModelFn } from './model.js';
import { pickBackend } from './pick-backend.js';

// While training draws its progress bar, log lines go above it (never onto the bar's line).
let progressBar: ProgressBarHook | null = null;
const log = (line: string) => (progressBar ? progressBar.log(line) : console.log(line));
const interrupts = handleInterrupts(log);

function hyperparameters(flags: Flags) {
  return new HParams({
    learning_rate: 0.002,
    dropout_rate: 0.5,
    batch_size: flags.batchSize,
    train_steps: flags.trainSteps,
    min_eval_frequency: 100,
  }).parse(flags.hparams);
}

function runConfigFor(flags: Flags): RunConfig {
  return new RunConfig({
    modelDir: flags.modelDir,
    saveCheckpointsSteps: 100,
    keepCheckpointMax: 5,
    saveSummarySteps: 100,
    logStepCountSteps: 100,
    ...(flags.seed !== undefined ? { randomSeed: flags.seed } : {}),
  });
}

const TRAINS = new Set(['train', 'train_and_evaluate', 'test']);

async function runSchedule(flags: Flags, data: MnistData): Promise<void> {
  const hparams = hyperparameters(flags);
  const experimentFn = (runConfig: RunConfig, hp: typeof hparams) => {
    const params: MnistParams = { learning_rate: hp.get('learning_rate'), dropout_rate: hp.get('dropout_rate') };
    const estimator = new Estimator({ modelFn: mnistModelFn, config: runConfig, params, log });
    const cluster = runConfig.trainDistribute;
    const shard = cluster ? { numShards: cluster.numReplicas, index: cluster.replicaIndex } : undefined;
    const [trainInputFn, trainInputHook] = getTrainInputs(
      data.train,
      hp.get('batch_size'),
      runConfig.randomSeed,
      shard,
    );
    const [evalInputFn, evalInputHook] = getEvalInputs(data.eval, hp.get('batch_size'));
    progressBar = new ProgressBarHook({ lastStep: hp.get('train_steps') });
    return new Experiment({
      estimator,
      trainInputFn,
      evalInputFn,
      trainSteps: hp.get('train_steps'),
      minEvalFrequency: hp.get('min_eval_frequency'),
      trainMonitors: [trainInputHook, progressBar, interrupts.hook],
      evalHooks: [evalInputHook, interrupts.hook],
      // continuous_eval: start at once and look for a new checkpoint every 2 seconds.
      evalDelaySecs: 0,
      continuousEvalThrottleSecs: 0,
      continuousEvalPollSecs: 2,
      log,
    });
  };
  log(`Schedule: ${flags.schedule}.`);
  if (flags.checkpointPath !== '') {
    if (flags.schedule !== 'evaluate') {
      throw new FlagError(
        `--checkpoint_path applies to predict and --schedule evaluate; received --schedule ${flags.schedule}.`,
      );
    }
    // One evaluation of the named checkpoint (e.g. an older one after the latest failed verification).
    const params: MnistParams = {
      learning_rate: hparams.get('learning_rate'),
      dropout_rate: hparams.get('dropout_rate'),
    };
    const estimator = new Estimator({ modelFn: mnistModelFn, config: runConfigFor(flags), params, log });
    const [evalInputFn, evalInputHook] = getEvalInputs(data.eval, hparams.get('batch_size'));
    await estimator.evaluate(evalInputFn, { checkpointPath: flags.checkpointPath, hooks: [evalInputHook] });
    estimator.dispose();
    return;
  }
  // In a cluster (TF_CONFIG, e.g. from pnpm mnist:cluster) the role and the all-reduce come from the environment;
  // the input shards itself by example, before the shuffle.
  // The cluster code (gRPC, ~12 MB of resident memory) loads only when TF_CONFIG names a cluster.
  const runConfig = process.env.TF_CONFIG
    ? (await import('@estimatorjs/experiment/node')).withTfConfig(runConfigFor(flags), {
        collective: { autoShard: false },
      })
    : runConfigFor(flags);
  await learnRunner.run(experimentFn, { runConfig, schedule: flags.schedule, hparams });
  log('');
  const modelDir = shellQuote(flags.modelDir);
  log(`TensorBoard: tensorboard --logdir ${modelDir}   (no Python: pnpm board --logdir ${modelDir})`);
  log(`Predictions: pnpm mnist:predict --model_dir ${modelDir}`);
  if (TRAINS.has(flags.schedule) && flags.trainSteps < 5000)
    log(
      `This was a short schedule (${flags.trainSteps} steps). The original example trains 5000: pnpm mnist --train_steps 5000`,
    );
}

async function predict(flags: Flags, data: MnistData): Promise<void> {
  const estimator = new Estimator({
    modelFn: mnistModelFn,
    config: runConfigFor(flags),
    params: { learning_rate: 0.002, dropout_rate: 0.5 },
    log,
  });
  const count = 10;
  const [inputFn, hook] = getEvalInputs(
    { images: data.eval.images.subarray(0, count * 784), labels: data.eval.labels.subarray(0, count), count },
    count,
  );
  let i = 0;
  const checkpointPath = flags.checkpointPath === '' ? {} : { checkpointPath: flags.checkpointPath };
  for await (const p of estimator.predict(inputFn, { hooks: [hook], ...checkpointPath })) {
    const { classes, probabilities } = p as { classes: number; probabilities: Float32Array };
    const label = data.eval.labels[i]!;
    log(
      `eval image #${i}: label ${label}, predicted ${classes} (probability ${probabilities[classes]!.toFixed(4)})${label === classes ? '' : '  ✗'}`,
    );
    i++;
  }
  estimator.dispose();
}

async function exportModel(flags: Flags): Promise<void> {
  const estimator = new Estimator({
    modelFn: mnistModelFn,
    config: runConfigFor(flags),
    params: { learning_rate: 0.002, dropout_rate: 0.5 },
    log,
  });
  const versioned = await exportMnist(estimator, flags.exportDir, flags.formats);
  estimator.dispose();
  log(`Exported ${versioned} (formats: ${flags.formats.join(', ')}); newest copied to ${flags.exportDir}:`);
  if (flags.formats.includes('graph_model'))
    log(`  ${flags.exportDir}/graph_model/model.json  (tf.loadGraphModel; input "image" float32 [-1, 784] in [0, 1])`);
  if (flags.formats.includes('onnx'))
    log(`  ${flags.exportDir}/model.onnx  (onnxruntime; outputs "probabilities", "classes")`);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  if (flags.help) {
    log(usage());
    return;
  }
  checkBatchMemory(flags.batchSize, totalmem());
  log((await pickBackend(flags.backend, flags.threads)).line);
  if (flags.command === 'export') {
    await exportModel(flags);
    return;
  }
  const data = await loadMnist(flags.dataDir, { explicit: flags.dataDirGiven });
  log(`Data: ${data.source}.`);
  if (flags.command === 'predict') await predict(flags, data);
  else await runSchedule(flags, data);
}

main().then(
  () => {
    const code = interrupts.exitCode();
    if (code !== null) process.exitCode = code;
  },
  (e: unknown) => {
    const code = interrupts.exitCode();
    if (code !== null && causedBy(e, InterruptedError)) {
      // Training stopped cleanly on the signal; a later train/evaluate call refused to start.
      console.error('mnist: interrupted: training stopped at a step boundary and its last checkpoint was saved.');
      process.exitCode = code;
      return;
    }
    fail(e);
  },
);

function causedBy(e: unknown, type: abstract new (...args: never[]) => Error): boolean {
  for (let x = e; x; x = (x as { cause?: unknown }).cause) if (x instanceof type) return true;
  return false;
}

function fail(e: unknown): void {
  const err = e as { message?: string; stack?: string; cause?: unknown };
  const flags = (() => {
    try {
      return parseFlags(process.argv.slice(2), process.cwd());
    } catch {
      return null;
    }
  })();
  if (flags && allocationFailed(e)) {
    console.error(
      `mnist: error: out of memory with --batch_size ${flags.batchSize} (${String(err?.message).split('\n')[0]}); use a smaller --batch_size.`,
    );
    process.exitCode = 1;
    return;
  }
  // One line a person can act on; the stack only on request.
  console.error(`mnist: error: ${String(err?.message ?? e).split('\n')[0]}`);
  if (process.env.ESTIMATORJS_DEBUG) console.error(err?.stack ?? e);
  process.exitCode = (e as { code?: string })?.code === 'BAD_FLAG' ? 2 : 1;
}
