/**
 * Model functions the export tests train, export and reload: an MLP, a CNN shaped like the MNIST example's, a
 * batch-norm + embedding model and a tfjs-layers (useLayer) model. Each has dropout in TRAIN mode only.
 */
import {
  AdamOptimizer,
  ClassificationOutput,
  type EstimatorSpec,
  layers,
  losses,
  ModeKeys,
  type ModelFn,
  PredictOutput,
  useLayer,
} from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

function finish(
  logits: tf.Tensor,
  labels: unknown,
  mode: string,
  exportOutputs?: EstimatorSpec['exportOutputs'],
): EstimatorSpec {
  const probabilities = tf.softmax(logits);
  const classes = tf.argMax(logits, 1);
  if (mode === ModeKeys.PREDICT) {
    return { mode: 'infer', predictions: { probabilities, classes }, ...(exportOutputs ? { exportOutputs } : {}) };
  }
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
  if (mode === ModeKeys.EVAL) return { mode: 'eval', loss };
  return { mode: 'train', loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
}

/** Dense 784 → 32 relu → dropout → 10, with dense features. */
export const mlpModelFn: ModelFn = (features, labels, mode) => {
  const x = (features as Record<string, tf.Tensor>).x!;
  const h = layers.dense(x, 32, { activation: 'relu', name: 'hidden' });
  const h2 = layers.dense(h, 16, { activation: 'tanh', name: 'hidden2' });
  const logits = layers.dense(layers.dropout(h2, { rate: 0.3 }), 10, { name: 'logits' });
  return finish(logits, labels, mode);
};

/** The MNIST example's shape: reshape to 28×28, conv/pool ×2, dense, dropout, logits (small widths). */
export const cnnModelFn: ModelFn = (features, labels, mode) => {
  const x = (features as Record<string, tf.Tensor>).image!;
  const img = tf.reshape(x, [-1, 28, 28, 1]);
  const c1 = layers.conv2d(img, 4, 5, { padding: 'same', activation: 'relu', name: 'conv1' });
  const p1 = layers.maxPooling2d(c1, 2, 2);
  const c2 = layers.conv2d(p1, 8, 3, { padding: 'valid', activation: 'relu', name: 'conv2' });
  const p2 = layers.averagePooling2d(c2, 2, 2);
  const flat = layers.flatten(p2);
  const d = layers.dense(flat, 16, { activation: 'relu', name: 'dense' });
  const logits = layers.dense(layers.dropout(d, { rate: 0.4 }), 10, { name: 'logits' });
  return finish(logits, labels, mode, {
    serving_default: new ClassificationOutput({ scores: tf.softmax(logits) }),
    predict: new PredictOutput({ probabilities: tf.softmax(logits), classes: tf.argMax(logits, 1) }),
  });
};

/** An embedding of an int32 id, concatenated with dense features, then batch norm and a relu6 layer. */
export const bnEmbeddingModelFn: ModelFn = (features, labels, mode) => {
  const f = features as Record<string, tf.Tensor>;
  const emb = layers.embedding(f.id!, { inputDim: 7, outputDim: 3, name: 'id_embedding' });
  const x = tf.concat([f.x!, emb], 1);
  const bn = layers.batchNormalization(x, { training: mode === ModeKeys.TRAIN, name: 'bn' });
  const h = layers.dense(bn, 12, { activation: 'relu6', name: 'hidden' });
  const logits = layers.dense(h, 10, { name: 'logits' });
  return finish(logits, labels, mode);
};

/** tfjs-layers objects inside a model_fn through useLayer. */
export const layersModelFn: ModelFn = (features, labels, mode) => {
  const x = (features as Record<string, tf.Tensor>).x!;
  const h = useLayer('hidden', () => tfl.layers.dense({ units: 24, activation: 'sigmoid' }))(x);
  const d = useLayer('drop', () => tfl.layers.dropout({ rate: 0.5 }))(h);
  const logits = useLayer('logits', () => tfl.layers.dense({ units: 10 }))(d);
  return finish(logits, labels, mode);
};
