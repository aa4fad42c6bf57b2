import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { maybeActiveContext } from '../model-fn-context.js';
import { checkTensor, flatPair, flatWeights, type MetricOptions } from './metric-op.js';

/** Which of TF's four confusion counts a metric streams. */
export type ConfusionKey = 'tp' | 'fp' | 'tn' | 'fn';

/**
 * TF's `_confusion_matrix_at_thresholds`: for each threshold `t`, the weighted count of predictions `> t`
 * (positive) and `<= t` (negative) by boolean label (non-zero is true). Returns one `[thresholds.length]` vector
 * per requested key, owned by the caller. Predictions must be probabilities (checked on the first batch, as TF
 * asserts it).
 */
export function countsAtThresholds(
  api: string,
  labels: tf.Tensor,
  predictions: tf.Tensor,
  thresholds: readonly number[],
  weights: MetricOptions['weights'],
  keys: readonly ConfusionKey[],
): Record<ConfusionKey, tf.Tensor1D> {
  return tf.tidy(() => {
    const [l0, p] = flatPair(api, labels, predictions);
    const w = flatWeights(api, weights, predictions);
    if (maybeActiveContext()?.checkValues ?? true) checkProbabilities(api, p);
    const l = tf.cast(tf.notEqual(l0, 0), 'float32');
    // [T, N]: 1 where prediction n is above threshold t, compared in float32 as TF does.
    const above = tf.cast(
      tf.greater(tf.reshape(p, [1, -1]), tf.reshape(tf.tensor1d([...thresholds]), [-1, 1])),
      'float32',
    );
    const below = tf.sub(1, above);
    const wPos = tf.reshape(tf.mul(w, l), [-1, 1]);
    const wNeg = tf.reshape(tf.mul(w, tf.sub(1, l)), [-1, 1]);
    const count = (m: tf.Tensor, v: tf.Tensor) => tf.reshape(tf.matMul(m as tf.Tensor2D, v as tf.Tensor2D), [-1]);
    const out: Partial<Record<ConfusionKey, tf.Tensor1D>> = {};
    for (const k of keys) {
      out[k] = count(k === 'tp' || k === 'fp' ? above : below, k === 'tp' || k === 'fn' ? wPos : wNeg) as tf.Tensor1D;
    }
    return out as Record<ConfusionKey, tf.Tensor1D>;
  });
}

/** Throws unless `thresholds` is a non-empty array of finite numbers. */
export function checkThresholds(api: string, thresholds: unknown): asserts thresholds is readonly number[] {
  if (!Array.isArray(thresholds) || thresholds.length === 0 || !thresholds.every((t) => Number.isFinite(t))) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: thresholds must be a non-empty array of numbers (e.g. [0.25, 0.5, 0.75]). Received ${JSON.stringify(thresholds) ?? String(thresholds)}.`,
    );
  }
}

/** Throws when a prediction is not a probability (a common slip: passing logits). Reads values: first batch only. */
export function checkProbabilities(api: string, p: tf.Tensor): void {
  checkTensor(api, 'predictions', p);
  const values = p.dataSync();
  const bad = values.findIndex((v) => !(v >= 0 && v <= 1));
  if (bad >= 0) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: predictions must be probabilities in [0, 1] (e.g. tf.sigmoid(logits)). Received ${values[bad]} at flat position ${bad}.`,
    );
  }
}

/**
 * TF's `num_thresholds` thresholds for auc and the sensitivity/specificity metrics:
 * `[-ε, 1/(n-1), …, (n-2)/(n-1), last]` with ε = 1e-7 (`last` is `1 + ε`, except TF's specificityAtSensitivity
 * uses `1 - ε`).
 */
export function evenThresholds(api: string, n: number, last: number): number[] {
  if (!Number.isInteger(n) || n < 2) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: numThresholds must be an integer >= 2. Received ${String(n)}.`);
  }
  return [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), last];
}
