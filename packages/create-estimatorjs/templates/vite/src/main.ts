// Trains, evaluates and predicts in the page. The model directory is an IndexedDB database named after modelDir,
// so a reload resumes from the last checkpoint.
import { useBackend } from '@estimatorjs/backends';
import { Dataset } from '@estimatorjs/data';
import {
  AdamOptimizer,
  Estimator,
  layers,
  losses,
  ModeKeys,
  type ModelFn,
  metrics,
  RunConfig,
} from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';

const logElement = document.querySelector('#log') as HTMLPreElement;
const log = (line: string) => {
  logElement.textContent += `${line}\n`;
  console.log(line);
};

// 1. The backend, once, before any tensor: tfjsWasm() in vite.config.ts says where the .wasm files are.
const backend = await useBackend('wasm');
log(`backend ${backend.name}, ${backend.threads ?? 1} thread(s)`);

// 2. Data: 400 points in [-1, 1]², labelled 1 inside the circle of radius 0.7. Replace with your own arrays.
let seed = 7;
const random = () => {
  seed = (seed * 16807) % 2147483647; // a reproducible generator, in [-1, 1)
  return (seed / 2147483647) * 2 - 1;
};
const points: number[][] = [];
const labels: number[] = [];
for (let i = 0; i < 400; i++) {
  const [x, y] = [random(), random()];
  points.push([x, y]);
  labels.push(x * x + y * y < 0.49 ? 1 : 0);
}
const xs = tf.tensor2d(points);
const ys = tf.tensor1d(labels, 'int32');

// 3. input_fns and 4. the model_fn, as in the Node guide.
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

// Typed: features.point and labels are tensors, and predict() yields { classes, probabilities }.
const modelFn: ModelFn<{ learningRate: number }, { point: tf.Tensor }, tf.Tensor> = (
  features,
  labels,
  mode,
  params,
) => {
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

const estimator = new Estimator({
  modelFn,
  params: { learningRate: 0.05 },
  config: new RunConfig({ modelDir: '{{name}}-model', saveCheckpointsSteps: 100, randomSeed: 1 }),
  log,
});

// 5. Train, evaluate, predict; the button trains more (from the last checkpoint).
async function round(): Promise<void> {
  await estimator.train(trainInputFn, { steps: 300 });
  const results = await estimator.evaluate(evalInputFn);
  log(`accuracy ${results.accuracy}, loss ${results.loss}, global step ${results.globalStep}`);
  for await (const p of estimator.predict(predictInputFn)) log(`prediction ${JSON.stringify(p)}`);
}

const button = document.querySelector('#train') as HTMLButtonElement;
button.onclick = () => {
  button.disabled = true;
  round().finally(() => (button.disabled = false));
};
button.disabled = true;
await round().finally(() => (button.disabled = false));
