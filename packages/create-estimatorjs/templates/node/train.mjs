// @ts-check
// Trains a small classifier with estimator-js, evaluates it, asks it two questions and exports it for serving.
// Run again: training resumes from the last checkpoint in ./model. Usage: npm start [-- <steps>]
import { useBackend } from '@estimatorjs/backends';
import { Dataset } from '@estimatorjs/data';
import { AdamOptimizer, Estimator, layers, losses, ModeKeys, metrics, RunConfig } from '@estimatorjs/estimator';
import { buildRawServingInputReceiverFn, exportSavedModel } from '@estimatorjs/export';
import * as tf from '@tensorflow/tfjs-core';

const steps = Number(process.argv[2] ?? 300);
if (!Number.isInteger(steps) || steps <= 0) {
  console.error(`usage: npm start [-- <steps>]; steps must be a positive integer, got ${process.argv[2]}`);
  process.exit(2);
}

// 1. Pick a backend once, before any tensor exists: 'wasm' runs everywhere ('cpu' is slower, 'tensorflow' native).
await useBackend('wasm');

// 2. Data: 400 points in [-1, 1]², labelled 1 inside the circle of radius 0.7. Replace with your own arrays.
let seed = 7;
const random = () => {
  seed = (seed * 16807) % 2147483647; // a reproducible generator, in [-1, 1)
  return (seed / 2147483647) * 2 - 1;
};
const points = [];
const labels = [];
for (let i = 0; i < 400; i++) {
  const [x, y] = [random(), random()];
  points.push([x, y]);
  labels.push(x * x + y * y < 0.49 ? 1 : 0);
}
const xs = tf.tensor2d(points); // one row per example
const ys = tf.tensor1d(labels, 'int32');

// 3. input_fns: a Dataset of [features, labels] batches (features alone for predict).
const trainInputFn = () =>
  Dataset.fromTensorSlices([{ point: xs }, ys])
    .shuffle(400, { seed: 1 })
    .batch(32)
    .repeat();
const evalInputFn = () => Dataset.fromTensorSlices([{ point: xs }, ys]).batch(100);
const predictInputFn = () =>
  Dataset.fromTensorSlices({
    point: tf.tensor2d([
      [0, 0],
      [0.9, 0.9],
    ]),
  }).batch(2);

// 4. The model_fn: builds the model for one batch and says what to do in each mode.
/** @type {import('@estimatorjs/estimator').ModelFn<{ learningRate: number }, { point: tf.Tensor }, tf.Tensor>} */
const modelFn = (features, labels, mode, params) => {
  const hidden = layers.dense(features.point, 16, { activation: 'relu', name: 'hidden' });
  const logits = layers.dense(hidden, 2, { name: 'logits' });
  const classes = tf.argMax(logits, 1);
  if (mode === ModeKeys.PREDICT) return { mode, predictions: { classes, probabilities: tf.softmax(logits) } };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
  if (mode === ModeKeys.EVAL) {
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels, classes) } };
  }
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: params.learningRate }).minimize(loss) };
};

// 5. Train, evaluate, predict: checkpoints and TensorBoard event files land in ./model.
const estimator = new Estimator({
  modelFn,
  params: { learningRate: 0.05 },
  config: new RunConfig({ modelDir: './model', saveCheckpointsSteps: 100, randomSeed: 1 }),
});
await estimator.train(trainInputFn, { steps });
const results = await estimator.evaluate(evalInputFn);
console.log(`accuracy ${results.accuracy}, loss ${results.loss}, global step ${results.globalStep}`);
for await (const p of estimator.predict(predictInputFn)) console.log('prediction', p);

// 6. Export for serving: a tfjs GraphModel (tf.loadGraphModel) and ONNX (onnxruntime) under ./exports/<seconds>/.
const exported = await exportSavedModel(
  estimator,
  './exports',
  buildRawServingInputReceiverFn({ point: { dtype: 'float32', shape: [null, 2] } }),
  { formats: ['graph_model', 'onnx'] },
);
console.log(`exported to ${exported}`);
estimator.dispose();
console.log('charts: npm run board   (or: tensorboard --logdir "./model")');
