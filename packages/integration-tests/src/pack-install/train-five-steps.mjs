// Runs under plain Node in the scratch project where pack-install.test.ts installed the packed packages with npm
// (so every import below resolves from that project's node_modules, never from the workspace). It imports every
// entry point of every public package, then fits y = w·x + b by gradient descent for 5 steps through Estimator,
// stopped by a StopAtStepHook, with a loss summary at every step. Prints one JSON line for the test to check.
// Usage: node train-five-steps.mjs <model dir> <entry points as a JSON array>
import { useBackend } from '@estimatorjs/backends';
import { Dataset } from '@estimatorjs/data';
import {
  Estimator,
  GradientDescentOptimizer,
  getVariable,
  initializers,
  losses,
  RunConfig,
} from '@estimatorjs/estimator';
import { StopAtStepHook } from '@estimatorjs/hooks';
import { scalarValue } from '@estimatorjs/summary';
import { readEvents } from '@estimatorjs/summary/node';
import * as tf from '@tensorflow/tfjs-core';

const [modelDir, entryPoints] = process.argv.slice(2);
const imported = [];
for (const specifier of JSON.parse(entryPoints)) {
  await import(specifier);
  imported.push(specifier);
}

await useBackend('cpu');

const modelFn = (features, labels, mode) => {
  const w = getVariable('w', { shape: [], initializer: initializers.zeros() });
  const b = getVariable('b', { shape: [], initializer: initializers.zeros() });
  const predictions = tf.add(tf.mul(features, w), b);
  if (mode === 'infer') return { mode, predictions };
  const loss = losses.meanSquaredError({ labels, predictions });
  return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.05 }).minimize(loss) };
};

const estimator = new Estimator({ modelFn, config: new RunConfig({ modelDir, saveSummarySteps: 1 }) });
// One batch of all four examples per step, repeated: [features, labels] pairs from a Dataset.
const inputFn = () =>
  Dataset.fromTensorSlices([new Float32Array([1, 2, 3, 4]), new Float32Array([3, 5, 7, 9])])
    .batch(4)
    .repeat();
await estimator.train(inputFn, { steps: 100, hooks: [new StopAtStepHook({ lastStep: 5 })] });

const latest = await estimator.latestCheckpoint();
const read = async (name) => {
  const t = await estimator.getVariableValue(name);
  const [v] = await t.data();
  t.dispose();
  return v;
};
const loss = [];
for await (const ev of readEvents(modelDir)) {
  for (const v of ev.summary?.value ?? []) if (v.tag === 'loss') loss.push([ev.step, scalarValue(v)]);
}
console.log(
  JSON.stringify({
    imported,
    globalStep: estimator.globalStep,
    latest,
    w: await read('w'),
    b: await read('b'),
    loss,
  }),
);
