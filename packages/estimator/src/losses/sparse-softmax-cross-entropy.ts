import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { type ModelFnContext, maybeActiveContext } from '../model-fn-context.js';
import { addLoss } from './collections.js';
import { type LossOptions, type LossResult, unitWeightReduction, weightedLoss } from './reduction.js';
import { sparseSoftmaxXent } from './sparse-softmax-xent-op.js';

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

/** Options of {@link sparseSoftmaxCrossEntropy}. */
export interface SparseSoftmaxCrossEntropyOptions extends LossOptions {
  /** Integer class ids, `[batch]` or `[batch, 1]`. */
  readonly labels: tf.Tensor;
  /** Unscaled log probabilities, `[batch, classes]`. */
  readonly logits: tf.Tensor;
}

/**
 * Softmax cross-entropy between integer class `labels` and `logits` (TF's `tf.losses.sparse_softmax_cross_entropy`):
 * weighted by `weights` (scalar, `[batch]` or `[batch, 1]`) and reduced by `reduction`
 * (default `SUM_BY_NONZERO_WEIGHTS`, the mean when weights are 1).
 * @example
 *   const loss = losses.sparseSoftmaxCrossEntropy({ labels, logits });
 */
export function sparseSoftmaxCrossEntropy<O extends SparseSoftmaxCrossEntropyOptions>(options: O): LossResult<O> {
  const api = 'losses.sparseSoftmaxCrossEntropy()';
  checkOptionKeys(api, options, ['labels', 'logits', 'weights', 'reduction']);
  const { labels, logits } = options;
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
  // TF squeezes weights whose rank is one more than the labels' ([batch, 1] → [batch]).
  let weights = options.weights;
  if (typeof weights === 'object' && weights.rank === 2 && weights.shape[1] === 1) weights = tf.reshape(weights, [-1]);
  const classes = logits.shape[1]!;
  const ctx = maybeActiveContext();
  if (ctx?.checkValues) checkLabelRange(api, flat, classes, ctx);
  let out: tf.Tensor | undefined;
  try {
    const fused = typeof weights === 'object' ? null : unitWeightReduction(api, options, flat.shape[0]!);
    out = tf.tidy(() => {
      const ids = (flat.dtype === 'int32' ? flat : tf.cast(flat, 'int32')) as tf.Tensor1D;
      // A label outside [0, classes) gets an all-zero one-hot row, so the one-hot sums to the batch size exactly
      // when every label is in range: one reduction per step, read with the step's loss (internal/value-checks.ts).
      const onOneHot =
        ctx && !ctx.checkValues
          ? (oneHot: tf.Tensor2D) => {
              ctx.checks.push({
                value: tf.keep(tf.sum(oneHot)),
                expected: flat.shape[0]!,
                detail: tf.keep(tf.clone(flat)),
                explain: (values) => labelRangeMessage(api, values, classes) ?? `${api}: labels out of range.`,
              });
            }
          : undefined;
      // One op for the loss (its one-hot made inside, off the tape); with unit weights under a sum or a known-count
      // mean its reduction too: same values, fewer kernels per step (sparse-softmax-xent-op.ts).
      return sparseSoftmaxXent({ ids, onOneHot }, logits as tf.Tensor2D, fused ?? undefined);
    });
    if (fused) {
      const loss = out;
      out = undefined;
      addLoss(loss);
      return loss as LossResult<O>;
    }
    return weightedLoss(api, out, { weights, reduction: options.reduction });
  } finally {
    out?.dispose();
    if (flat !== labels) flat.dispose();
    if (weights !== options.weights) (weights as tf.Tensor).dispose();
  }
}
