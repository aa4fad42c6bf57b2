import { AdamOptimizer, layers, losses, type ModelFn, metrics } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';

/** A one-layer classifier: class 1 when the first feature is larger. */
export const toyModelFn: ModelFn<{ learning_rate?: number }> = (features, labels, mode, params) => {
  const logits = layers.dense(features as tf.Tensor, 2, { name: 'logits' });
  if (mode === 'infer') return { mode, predictions: logits };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
  if (mode === 'eval')
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels as tf.Tensor, tf.argMax(logits, 1)) } };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: params.learning_rate ?? 0.05 }).minimize(loss) };
};

/** `batches` batches of 16 examples, the same every time. */
export function toyInputFn(batches: number) {
  return async function* () {
    for (let b = 0; b < batches; b++) {
      const x = tf.tidy(() => tf.randomUniform([16, 2], 0, 1, 'float32', b));
      const y = tf.tidy(() =>
        tf.reshape(tf.cast(tf.greater(tf.slice(x, [0, 0], [16, 1]), tf.slice(x, [0, 1], [16, 1])), 'int32'), [16]),
      );
      yield [x, y] as const;
    }
  };
}
