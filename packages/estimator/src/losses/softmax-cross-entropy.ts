import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { type LossOptions, type LossResult, weightedLoss } from './reduction.js';

/** Options of {@link softmaxCrossEntropy}. */
export interface SoftmaxCrossEntropyOptions extends LossOptions {
  /** One-hot (or soft) targets, `[batch, classes]`. */
  readonly onehotLabels: tf.Tensor;
  /** Unscaled log probabilities, `[batch, classes]`. */
  readonly logits: tf.Tensor;
  /** In [0, 1]: targets become `onehotLabels * (1 - s) + s / classes` (default 0). */
  readonly labelSmoothing?: number;
}

/** Options of {@link sigmoidCrossEntropy}. */
export interface SigmoidCrossEntropyOptions extends LossOptions {
  /** Targets in [0, 1], the shape of `logits`. */
  readonly multiClassLabels: tf.Tensor;
  readonly logits: tf.Tensor;
  /** In [0, 1]: targets become `labels * (1 - s) + 0.5 * s` (default 0). */
  readonly labelSmoothing?: number;
}

function checkSmoothing(api: string, s: unknown): number {
  if (s === undefined) return 0;
  if (typeof s !== 'number' || !(s >= 0 && s <= 1)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: labelSmoothing must be a number in [0, 1]. Received ${describe(s)}.`,
    );
  }
  return s;
}

function checkSameShape(api: string, what: string, labels: tf.Tensor | undefined, logits: tf.Tensor | undefined): void {
  const ok =
    labels !== undefined &&
    logits !== undefined &&
    labels.rank === logits.rank &&
    labels.shape.every((d, i) => d === logits.shape[i]);
  if (!ok) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: ${what} and logits must have the same shape. Received ${describe(labels)} and ${describe(logits)}.`,
    );
  }
}

/**
 * Softmax cross-entropy between one-hot `onehotLabels` and `logits`, both `[batch, classes]`
 * (TF's `tf.losses.softmax_cross_entropy`; the loss has shape `[batch]` before the reduction, so `weights` is a
 * scalar or `[batch]`). No gradient flows into the labels, as in TF.
 * @example
 *   const loss = losses.softmaxCrossEntropy({ onehotLabels: tf.oneHot(labels, 10), logits, labelSmoothing: 0.1 });
 */
export function softmaxCrossEntropy<O extends SoftmaxCrossEntropyOptions>(options: O): LossResult<O> {
  const api = 'losses.softmaxCrossEntropy()';
  checkOptionKeys(api, options, ['onehotLabels', 'logits', 'weights', 'reduction', 'labelSmoothing']);
  const { onehotLabels, logits } = options;
  checkSameShape(api, 'onehotLabels', onehotLabels, logits);
  if (logits.rank !== 2) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: logits must have shape [batch, classes]. Received shape [${logits.shape}].`,
    );
  }
  const smoothing = checkSmoothing(api, options.labelSmoothing);
  const perExample = tf.tidy(() => {
    const classes = logits.shape[1]!;
    let targets = tf.cast(onehotLabels, 'float32');
    if (smoothing > 0) targets = tf.add(tf.mul(targets, 1 - smoothing), smoothing / classes);
    // TF stops the gradient into the labels (labels_stop_gradient): a plain Tensor here, with a custom gradient.
    const xent = tf.customGrad(((t: tf.Tensor, z: tf.Tensor, save: tf.GradSaveFunc) => {
      const logSoftmax = tf.logSoftmax(z);
      save([t, logSoftmax]);
      return {
        value: tf.neg(tf.sum(tf.mul(t, logSoftmax), -1)),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [st, sl] = saved as [tf.Tensor, tf.Tensor];
          // d/dz of -sum(t * logSoftmax(z)) = softmax(z) * sum(t) - t.
          const dz = tf.mul(tf.expandDims(dy, -1), tf.sub(tf.mul(tf.exp(sl), tf.sum(st, -1, true)), st));
          return [tf.zerosLike(st), dz];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return xent(targets, logits);
  });
  try {
    return weightedLoss(api, perExample, options);
  } finally {
    perExample.dispose();
  }
}

/**
 * Sigmoid cross-entropy between targets in [0, 1] and `logits` of the same shape, per element
 * (TF's `tf.losses.sigmoid_cross_entropy`, computed as TF does: `max(z, 0) - z * y + log(1 + exp(-|z|))`).
 * @example
 *   const loss = losses.sigmoidCrossEntropy({ multiClassLabels: labels, logits, weights: mask });
 */
export function sigmoidCrossEntropy<O extends SigmoidCrossEntropyOptions>(options: O): LossResult<O> {
  const api = 'losses.sigmoidCrossEntropy()';
  checkOptionKeys(api, options, ['multiClassLabels', 'logits', 'weights', 'reduction', 'labelSmoothing']);
  const { multiClassLabels, logits } = options;
  checkSameShape(api, 'multiClassLabels', multiClassLabels, logits);
  const smoothing = checkSmoothing(api, options.labelSmoothing);
  const perElement = tf.tidy(() => {
    let y = tf.cast(multiClassLabels, 'float32');
    if (smoothing > 0) y = tf.add(tf.mul(y, 1 - smoothing), 0.5 * smoothing);
    return tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  });
  try {
    return weightedLoss(api, perElement, options);
  } finally {
    perElement.dispose();
  }
}
