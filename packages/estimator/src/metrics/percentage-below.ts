import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { mean } from './mean.js';
import { checkTensor, type MetricOp, type MetricOptions } from './metric-op.js';

/**
 * The (weighted) fraction of `values` below `threshold` over the whole evaluation (TF's
 * `tf.metrics.percentage_below`; a fraction in [0, 1] despite the name, as in TF).
 * @example
 *   evalMetricOps: { fast_enough: metrics.percentageBelow(latencies, 0.1) }
 */
export function percentageBelow(values: tf.Tensor, threshold: number, options: MetricOptions = {}): MetricOp {
  const api = 'metrics.percentageBelow()';
  checkTensor(api, 'values', values);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: threshold must be a number. Received ${String(threshold)}.`);
  }
  const below = tf.tidy(() => tf.cast(tf.less(values, threshold), 'float32'));
  try {
    return mean(below, options);
  } finally {
    below.dispose();
  }
}
