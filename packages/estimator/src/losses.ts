import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from './errors.js';
import { type ModelFnContext, maybeActiveContext } from './model-fn-context.js';

/** The message for the first label outside [0, classes), or null when all fit. */
function labelRangeMessage(api: string, values: ArrayLike<number>, classes: number): string | null {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v < classes)) {
      return `${api}: labels must be integers in [0, ${classes}) for logits with ${classes} classes. Received label ${v} at index ${i} of the batch.`;
    }
  }
  return null;
}

/**
 * Throws when an integer label is outside [0, classes): tfjs' oneHot would silently give it a zero row. Names the
 * global step as the deferred check does (the step this batch trains, or the step of the evaluated model).
 */
function checkLabelRange(api: string, labels: tf.Tensor, classes: number, ctx: ModelFnContext): void {
  const message = labelRangeMessage(api, labels.dataSync(), classes);
  if (message) {
    const step = ctx.mode === 'train' ? ctx.globalStep + 1 : ctx.globalStep;
    throw new ModelFnError('LABEL_OUT_OF_RANGE', `${message.replace(/\.$/, '')} (global step ${step}).`);
  }
}

/**
 * Mean sparse softmax cross-entropy between integer class `labels` ([batch] or [batch, 1]) and `logits`
 * ([batch, classes]) (TF's `tf.losses.sparse_softmax_cross_entropy`).
 * @example
 *   const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
 */
function sparseSoftmaxCrossEntropy({ labels, logits }: { labels: tf.Tensor; logits: tf.Tensor }): tf.Scalar {
  const api = 'losses.sparseSoftmaxCrossEntropy()';
  if (logits?.rank !== 2) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: logits must have shape [batch, classes]. Received shape [${logits?.shape}].`,
    );
  }
  const flat = labels?.rank === 2 && labels.shape[1] === 1 ? tf.reshape(labels, [-1]) : labels;
  if (flat?.rank !== 1 || flat.shape[0] !== logits.shape[0]) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: labels must have shape [batch] (or [batch, 1]) matching logits [${logits.shape}]. Received labels of shape [${labels?.shape}].`,
    );
  }
  const classes = logits.shape[1]!;
  const ctx = maybeActiveContext();
  if (ctx?.checkValues) checkLabelRange(api, flat, classes, ctx);
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.cast(flat, 'int32') as tf.Tensor1D, classes);
    if (ctx && !ctx.checkValues) {
      // A label outside [0, classes) gets an all-zero one-hot row, so the one-hot sums to the batch size exactly
      // when every label is in range: one reduction per step, read with the step's loss (internal/value-checks.ts).
      ctx.checks.push({
        value: tf.keep(tf.sum(oneHot)),
        expected: flat.shape[0]!,
        detail: tf.keep(tf.clone(flat)),
        explain: (values) => labelRangeMessage(api, values, classes) ?? `${api}: labels out of range.`,
      });
    }
    const perExample = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1));
    return tf.mean(perExample) as tf.Scalar;
  });
}

/**
 * Mean squared error (TF's `tf.losses.mean_squared_error`).
 * @example
 *   const loss = losses.meanSquaredError({ labels, predictions });
 */
function meanSquaredError({ labels, predictions }: { labels: tf.Tensor; predictions: tf.Tensor }): tf.Scalar {
  if (labels.size !== predictions.size) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `losses.meanSquaredError(): labels [${labels.shape}] and predictions [${predictions.shape}] differ in size.`,
    );
  }
  return tf.tidy(() => tf.mean(tf.squaredDifference(tf.reshape(labels, predictions.shape), predictions)) as tf.Scalar);
}

/** Loss functions with TF's names. */
export const losses = { sparseSoftmaxCrossEntropy, meanSquaredError } as const;
