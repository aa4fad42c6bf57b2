// One task of the cluster tests: `node cluster-train.mjs <modelDir> <batch> <maxSteps> <outDir>`, its role from
// TF_CONFIG (none: a single worker). A two-layer classifier on fixed data (no randomness but the seeded
// initializers), Adam, a checkpoint every 10 steps. Writes `<outDir>/<task>.json` with the final weights and the
// TF_CONFIG it ran with, and `<outDir>/<task>.step-<k>` as each step starts, so a test can await a step and kill.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '@estimatorjs/data';
import { AdamOptimizer, Estimator, layers, losses } from '@estimatorjs/estimator';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { runConfigFromEnv } from '../dist/node/index.js';

const [modelDir, batch, steps, outDir] = process.argv.slice(2);
await setupTestBackend('cpu');

// 1024 examples of 8 features from a fixed integer recurrence; label: whether a fixed linear form is positive.
const n = 1024;
const xs = new Float32Array(n * 8);
let s = 12345;
for (let i = 0; i < xs.length; i++) {
  s = (s * 1103515245 + 12345) % 2147483648;
  xs[i] = s / 2147483648 - 0.5;
}
const ys = new Int32Array(n);
for (let i = 0; i < n; i++) ys[i] = xs[i * 8] + 0.5 * xs[i * 8 + 1] - xs[i * 8 + 2] > 0 ? 1 : 0;

const config = runConfigFromEnv({
  modelDir,
  randomSeed: 7,
  saveCheckpointsSteps: 10,
  keepCheckpointMax: 3,
  logStepCountSteps: 1000,
  collective: {
    startupTimeoutSecs: Number(process.env.CLUSTER_STARTUP_SECS ?? 60),
    stepTimeoutSecs: Number(process.env.CLUSTER_STEP_SECS ?? 60),
    // The exchange on a worker thread, overlapped with the backward pass.
    thread: process.env.CLUSTER_THREAD === '1',
  },
});
const task = `${config.taskType}-${config.taskId}`;
const modelFn = (features, labels, mode) => {
  const hidden = layers.dense(features, 16, { name: 'hidden', activation: 'relu' });
  const logits = layers.dense(hidden, 2, { name: 'logits' });
  const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
};
const estimator = new Estimator({ modelFn, config, log: (line) => console.log(line) });
const marker = {
  beforeRun: (ctx) => {
    writeFileSync(join(outDir, `${task}.step-${ctx.globalStep}`), '');
    return undefined;
  },
};
const inputFn = () =>
  Dataset.fromTensorSlices([tf.tensor2d(xs, [n, 8]), tf.tensor1d(ys, 'int32')])
    .repeat()
    .batch(Number(batch));
await estimator.train(inputFn, { maxSteps: Number(steps), hooks: [marker] });
// The weights in this process's memory (every replica, not only the chief that checkpoints), by logical name.
const weights = {};
for (const [engineName, v] of Object.entries(tf.engine().state.registeredVariables)) {
  const name = ['hidden/kernel', 'hidden/bias', 'logits/kernel', 'logits/bias'].find((w) =>
    engineName.endsWith(`/${w}`),
  );
  if (name) weights[name] = Array.from(await v.data());
}
writeFileSync(
  join(outDir, `${task}.json`),
  JSON.stringify({ globalStep: estimator.globalStep, tfConfig: process.env.TF_CONFIG ?? null, weights }),
);
