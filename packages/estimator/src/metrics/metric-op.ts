import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';

/**
 * A streaming metric (TF's `(value_op, update_op)` pair, eagerly): each batch contributes `update`, tensors that
 * the Estimator sums element-wise over the whole evaluation; `result` turns the sums into the metric's value.
 * Update tensors may have any shape (a count, a histogram, a confusion matrix) as long as it is the same on
 * every batch.
 * @example
 *   const op: MetricOp = metrics.accuracy(labels, classes);
 *   const spec: EstimatorSpec = { mode: 'eval', loss, evalMetricOps: { accuracy: op } };
 */
export interface MetricOp {
  readonly kind: 'metric';
  readonly update: Readonly<Record<string, tf.Tensor>>;
  readonly result: (totals: Readonly<Record<string, Float32Array>>) => number;
}

/**
 * Per-element weights of a metric (TF's `weights`): a number, or a tensor of the values' shape, or of a leading
 * part of it (e.g. `[batch]` for `[batch, 1]` predictions). Weight 0 leaves an element out.
 * @example
 *   metrics.accuracy(labels, classes, { weights: mask });
 */
export interface MetricOptions {
  readonly weights?: tf.Tensor | number;
}

/** The first element of a summed update, 0 when the metric never saw a batch. */
export function total(totals: Readonly<Record<string, Float32Array>>, key: string): number {
  return totals[key]?.[0] ?? 0;
}

/** `a / b`, or 0 when `b` is 0 (TF's `div_no_nan`, the value TF's metrics report before any data). */
export function divNoNan(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Checks that labels and predictions have the same number of elements and flattens both to float32 vectors. */
export function flatPair(api: string, labels: tf.Tensor, predictions: tf.Tensor): [tf.Tensor1D, tf.Tensor1D] {
  checkTensor(api, 'labels', labels);
  checkTensor(api, 'predictions', predictions);
  if (labels.size !== predictions.size) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: labels [${labels.shape}] and predictions [${predictions.shape}] must have the same number of elements.`,
    );
  }
  return [tf.cast(tf.reshape(labels, [-1]), 'float32'), tf.cast(tf.reshape(predictions, [-1]), 'float32')];
}

/** A tensor, recognised by shape rather than class so a second copy of tfjs-core in a bundle still passes. */
export function isTensor(x: unknown): x is tf.Tensor {
  return typeof x === 'object' && x !== null && 'dataId' in x && 'shape' in x && 'dtype' in x;
}

/** Throws unless `x` is a tensor. */
export function checkTensor(api: string, name: string, x: unknown): void {
  if (!isTensor(x)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: ${name} must be a tensor. Received ${describe(x)}.`);
  }
}

/**
 * The weights of `values` as a flat float32 vector of `values.size` elements (ones when none were given).
 * Accepts a scalar, the same number of elements, or any shape that broadcasts to the values' shape once padded
 * with trailing 1s: a leading part of it (`[batch]` for `[batch, n]`, as TF expands weights one rank short) or
 * TF's broadcastable weights (every dimension 1 or equal, e.g. `[batch, 1]` or `[1, n]`).
 */
export function flatWeights(api: string, weights: tf.Tensor | number | undefined, values: tf.Tensor): tf.Tensor1D {
  const shape = values.shape;
  if (weights === undefined) return tf.ones([values.size]);
  if (typeof weights === 'number') return tf.fill([values.size], weights);
  checkTensor(api, 'weights', weights);
  const w = tf.cast(weights, 'float32');
  if (w.size === values.size) return tf.reshape(w, [-1]);
  if (w.rank === 0) return tf.reshape(tf.broadcastTo(w, [values.size]), [-1]);
  const padded = [...w.shape, ...shape.slice(w.rank).map(() => 1)];
  const fits = w.rank <= shape.length && padded.every((d, i) => d === 1 || d === shape[i]);
  if (!fits) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: weights of shape [${w.shape}] do not fit values of shape [${shape}]; expected a number, the values' shape, a leading part of it (e.g. [batch]) or a shape that broadcasts to it (dimensions of 1).`,
    );
  }
  return tf.reshape(tf.broadcastTo(tf.reshape(w, padded), [...shape]), [-1]);
}

/** Rounds to float32, so results computed here match TF's float32 arithmetic bit for bit. */
export const f32 = Math.fround;

/**
 * One op per element of a vector- or tensor-valued TF metric (`*AtThresholds`, `meanTensor`): op `i` sums element
 * `i` of every part of `update`. Takes ownership of `update` (its tensors are split, then disposed).
 */
export function elementOps(
  update: Readonly<Record<string, tf.Tensor>>,
  count: number,
  result: (totals: Readonly<Record<string, number>>) => number,
): MetricOp[] {
  const keys = Object.keys(update);
  const split = tf.tidy(() => keys.map((k) => tf.unstack(tf.reshape(update[k]!, [-1]))));
  tf.dispose(Object.values(update));
  return Array.from({ length: count }, (_, i) =>
    metricOp(Object.fromEntries(keys.map((k, j) => [k, split[j]![i]!])), (t) =>
      result(Object.fromEntries(keys.map((k) => [k, total(t, k)]))),
    ),
  );
}

/** Throws unless `numClasses` is an integer >= 1. */
export function checkNumClasses(api: string, numClasses: unknown): void {
  if (!Number.isInteger(numClasses) || (numClasses as number) < 1) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: numClasses must be an integer >= 1. Received ${String(numClasses)}.`,
    );
  }
}

/** Throws when a value of `x` is not a class id in [0, numClasses). Reads values: call on the first batch only. */
export function checkClassIds(api: string, name: string, x: tf.Tensor, numClasses: number): void {
  const values = x.dataSync();
  const bad = values.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < numClasses));
  if (bad >= 0) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: ${name} must be class ids in [0, ${numClasses}). Received ${values[bad]} at flat position ${bad}.`,
    );
  }
}

/** A metric op from its update tensors (kept by the caller's tidy) and result function. */
export function metricOp(
  update: Record<string, tf.Tensor>,
  result: (totals: Readonly<Record<string, Float32Array>>) => number,
): MetricOp {
  return { kind: 'metric', update, result };
}
