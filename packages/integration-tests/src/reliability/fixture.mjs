// The model every reliability test trains: a tiny MLP driven through Estimator, fed a deterministic input where
// the batch of global step s depends only on s, so a run restarted from any checkpoint feeds the same batches.
import { Dataset } from '@estimatorjs/data';
import { AdamOptimizer, Estimator, layers, losses, RunConfig } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';

export const FEATURES = 6;
export const CLASSES = 3;
export const BATCH = 8;
export const SEED = 1234;

/** A float in [0, 1) from an integer, the same on every platform (a 32-bit integer hash). */
function unit(i) {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** The plain values of the batch trained at global step `step`. */
export function batchValues(step) {
  const x = new Float32Array(BATCH * FEATURES);
  const y = new Int32Array(BATCH);
  for (let b = 0; b < BATCH; b++) {
    let sum = 0;
    for (let f = 0; f < FEATURES; f++) {
      const v = unit((step * BATCH + b) * FEATURES + f) * 2 - 1;
      x[b * FEATURES + f] = v;
      sum += v * (f + 1);
    }
    y[b] = sum < -1 ? 0 : sum < 1 ? 1 : 2;
  }
  return { x, y };
}

/** An input_fn whose element i is the batch of step i; with `poison`, batch `poison.step` holds `poison.value`. */
export function makeInputFn(poison) {
  return () =>
    Dataset.range(0, 1e9).map((step) => {
      const { x, y } = batchValues(step);
      if (poison && step === poison.step) x.fill(poison.value);
      return [tf.tensor2d(x, [BATCH, FEATURES]), tf.tensor1d(y, 'int32')];
    });
}

/**
 * hidden(16, relu) → logits(CLASSES), sparse softmax cross-entropy, Adam. `params.lossShift: 'max'` adds
 * 1 / (1 - max(features)) to the loss: a constant for the gradients, but infinite for a batch of ones.
 */
export function modelFn(features, labels, mode, params) {
  const hidden = layers.dense(features, 16, { activation: 'relu', name: 'hidden' });
  const logits = layers.dense(hidden, CLASSES, { name: 'logits' });
  if (mode === 'infer') return { mode, predictions: { logits } };
  let loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
  if (params?.lossShift === 'max') loss = tf.add(loss, tf.div(1, tf.sub(1, tf.max(features))));
  if (mode === 'eval') return { mode, loss };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
}

/**
 * The MLP's Estimator. `options`: modelDir, storage, saveEvery, keepMax, summarySteps, logSteps, log, params,
 * rebuildCheckpointState.
 */
export function makeEstimator(options) {
  return new Estimator({
    modelFn,
    params: options.params ?? {},
    config: new RunConfig({
      modelDir: options.modelDir,
      ...(options.storage ? { storage: options.storage } : {}),
      randomSeed: SEED,
      saveCheckpointsSteps: options.saveEvery ?? 10,
      keepCheckpointMax: 'keepMax' in options ? options.keepMax : 3,
      saveSummarySteps: options.summarySteps ?? 50,
      logStepCountSteps: options.logSteps ?? 1_000_000,
      rebuildCheckpointState: options.rebuildCheckpointState ?? false,
    }),
    log: options.log ?? (() => {}),
  });
}
