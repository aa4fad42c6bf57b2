import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, divNoNan, elementOps, f32, flatWeights, type MetricOp, type MetricOptions } from './metric-op.js';

/**
 * The element-wise (weighted) mean of `values` over the whole evaluation (TF's `tf.metrics.mean_tensor`): every
 * batch must give `values` of the same shape, and element `i` of the result is the weighted mean of element `i`
 * across batches (0 where its weights sum to 0). TF returns a tensor of the values' shape; the Estimator reports
 * scalars, so this returns one op per element, in row-major order.
 * @example
 *   const [meanX, meanY] = metrics.meanTensor(tf.mean(positions, 0));   // positions: [batch, 2]
 *   evalMetricOps: { mean_x: meanX, mean_y: meanY }
 */
export function meanTensor(values: tf.Tensor, options: MetricOptions = {}): MetricOp[] {
  const api = 'metrics.meanTensor()';
  checkTensor(api, 'values', values);
  const update = tf.tidy(() => {
    const w = flatWeights(api, options.weights, values);
    return { total: tf.mul(w, tf.cast(tf.reshape(values, [-1]), 'float32')), count: w };
  });
  return elementOps(update, values.size, (t) => f32(divNoNan(t.total!, t.count!)));
}
