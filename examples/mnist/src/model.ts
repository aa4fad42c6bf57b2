/**
 * The reference MNIST model_fn (the classic TF 1.x estimator example): two conv + max-pool blocks, two dense
 * layers with dropout, and a 10-way softmax. Shared by the Node CLI and the browser page.
 */

import {
  AdamOptimizer,
  layers,
  losses,
  ModeKeys,
  type ModelFn,
  metrics,
  nameTensor,
  summary,
} from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';

/** The hyperparameters the model_fn reads. */
export interface MnistParams {
  readonly learning_rate: number;
  readonly dropout_rate: number;
}

/** What the model predicts per image: the digit and the 10 class probabilities. */
export type MnistPredictions = { classes: tf.Tensor; probabilities: tf.Tensor };

/** Logits for a batch of [N, 28, 28, 1] images. */
function architecture(images: tf.Tensor, training: boolean, dropoutRate: number): tf.Tensor {
  const x = tf.reshape(images, [-1, 28, 28, 1]);
  summary.image('input', x, { maxOutputs: 3 });
  const conv1 = layers.conv2d(x, 20, 5, { padding: 'same', activation: 'relu', name: 'conv1' });
  const pool1 = layers.maxPooling2d(conv1, 2, 2);
  const conv2 = layers.conv2d(pool1, 40, 5, { padding: 'same', activation: 'relu', name: 'conv2' });
  const pool2 = layers.maxPooling2d(conv2, 2, 2);
  const flat = layers.flatten(pool2);
  const fc1 = layers.dense(flat, 256, { activation: 'relu', name: 'fc1' });
  const drop1 = layers.dropout(fc1, { rate: dropoutRate, training });
  const fc2 = layers.dense(drop1, 256, { activation: 'relu', name: 'fc2' });
  const drop2 = layers.dropout(fc2, { rate: dropoutRate, training });
  return layers.dense(drop2, 10, { name: 'logits' });
}

/**
 * model_fn(features, labels, mode, params): the same shape as in TensorFlow.
 * @example
 *   const estimator = new Estimator({ modelFn: mnistModelFn, config, params: { learning_rate: 0.002, dropout_rate: 0.5 } });
 */
export const mnistModelFn: ModelFn<MnistParams, tf.Tensor, tf.Tensor, MnistPredictions> = (
  features,
  labels,
  mode,
  params,
) => {
  const logits = architecture(features, mode === ModeKeys.TRAIN, params.dropout_rate);
  const classes = tf.argMax(logits, 1);
  if (mode === ModeKeys.PREDICT) {
    return { mode, predictions: { classes, probabilities: tf.softmax(logits) } };
  }
  const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
  if (mode === ModeKeys.EVAL) {
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels, classes) } };
  }
  nameTensor('train_accuracy', tf.mean(tf.cast(tf.equal(classes, tf.cast(labels, 'int32')), 'float32')));
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: params.learning_rate }).minimize(loss) };
};
