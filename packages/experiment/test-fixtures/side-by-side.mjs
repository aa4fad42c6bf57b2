// One process of the side-by-side test: `node side-by-side.mjs train|continuous_eval <modelDir> <trainSteps>`.
// The trainer and the evaluator share nothing but the model directory and, for the handshake, the working
// directory: the evaluator leaves `evaluated-<step>` there after each evaluation, and the trainer does not start a
// step while a checkpoint of the current step has not been evaluated. So the evaluator sees every checkpoint, on any
// machine, without either process sleeping a guessed time.
import { existsSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdamOptimizer, Estimator, layers, losses, metrics, RunConfig } from '@estimatorjs/estimator';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { Experiment } from '../dist/index.js';

const [schedule, modelDir, steps] = process.argv.slice(2);
const trainSteps = Number(steps);
await setupTestBackend('cpu');

const modelFn = (features, labels, mode) => {
  const logits = layers.dense(features, 2, { name: 'logits' });
  const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
  if (mode === 'eval')
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels, tf.argMax(logits, 1)) } };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.05 }).minimize(loss) };
};
const inputFn = (batches) =>
  async function* () {
    for (let b = 0; b < batches; b++) {
      const x = tf.randomUniform([16, 2], 0, 1, 'float32', b);
      const y = tf.tidy(() =>
        tf.reshape(tf.cast(tf.greater(tf.slice(x, [0, 0], [16, 1]), tf.slice(x, [0, 1], [16, 1])), 'int32'), [16]),
      );
      yield [x, y];
    }
  };

const config = new RunConfig({
  modelDir,
  saveCheckpointsSteps: 3,
  keepCheckpointMax: 2,
  randomSeed: 1,
  logStepCountSteps: 1000,
});
const estimator = new Estimator({ modelFn, config, log: () => {} });
/** Resolves when `name` exists in the working directory (fs.watch event, or already there). */
function whenExists(name) {
  return new Promise((resolve) => {
    const watcher = watch('.', () => {
      if (existsSync(name)) {
        watcher.close();
        resolve();
      }
    });
    if (existsSync(name)) {
      watcher.close();
      resolve();
    }
  });
}
const waitForEvaluator = {
  async beforeRun(ctx) {
    const step = ctx.globalStep;
    if (existsSync(join(modelDir, `model.ckpt-${step}.index.json`))) await whenExists(`evaluated-${step}`);
  },
};
const report = {
  end: (ctx) => {
    console.log(`EVALUATED ${ctx.globalStep}`);
    writeFileSync(`evaluated-${ctx.globalStep}`, '');
  },
};
const experiment = new Experiment({
  estimator,
  trainInputFn: inputFn(1_000_000),
  evalInputFn: inputFn(2),
  trainSteps,
  trainMonitors: [waitForEvaluator],
  evalHooks: [report],
  evalDelaySecs: 0,
  continuousEvalThrottleSecs: 0,
  continuousEvalPollSecs: 0.02,
  continuousEvalTimeoutSecs: 60,
  log: (line) => console.log(line),
});
await experiment.run(schedule);
console.log(`DONE ${schedule} at ${estimator.globalStep}`);
