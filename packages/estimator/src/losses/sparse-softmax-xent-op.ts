import * as tf from '@tensorflow/tfjs-core';

/**
 * `-sum(oneHot * logSoftmax(logits), -1)` per example (the one-hot float32, or made here from int32 class ids), or, with `reduce`, its sum (divided by `reduce.divisor`
 * when given), as ONE taped op with its own gradient.
 *
 * Why: composed of tfjs ops, the loss and its reduction put ~40 kernel dispatches on every training step (each
 * taped op also clones the inputs its gradient needs). Here the forward kernels run untaped inside a custom-gradient
 * op that saves two tensors, and the backward is four kernels: `c·p − c·oneHot` with `p = exp(logSoftmax)` and `c`
 * the upstream gradient (divided by the divisor).
 *
 * Values and gradients are bit-identical to the composed ops for one-hot rows (every label in range), on every
 * backend: the forward runs the same kernels in the same order as tf.logSoftmax, tf.mul, tf.sum, tf.neg and tf.div;
 * the composed backward computes `g − sum(g)·p` with `g = −c·oneHot`, whose row sum is exactly `−c`, so each element
 * is `0 − (−c·p) = c·p` off the label and `−c + c·p` on it: the same two roundings as `c·p − c·oneHot`. (A row of
 * zeros, from a label out of range, gets `c·p` here and 0 there; such a step fails its label check.)
 */
export function sparseSoftmaxXent(
  targets: tf.Tensor2D | { readonly ids: tf.Tensor1D; readonly onOneHot?: (oneHot: tf.Tensor2D) => void },
  logits: tf.Tensor2D,
  reduce?: { readonly divisor: number | null },
): tf.Tensor {
  // The targets reach the op through the closure, not as an input: they get no gradient, so none is computed. Given
  // int32 class ids, the one-hot is made inside the op, off the tape (`onOneHot` sees the int32 one-hot there).
  const ids = targets instanceof tf.Tensor ? null : targets;
  if (ids && tf.getKernel(FUSED_KERNEL, tf.getBackend()) != null) return viaKernel(ids, logits, reduce);
  const op = tf.customGrad(((z: tf.Tensor2D, save: tf.GradSaveFunc) => {
    let oneHot: tf.Tensor2D;
    if (targets instanceof tf.Tensor) oneHot = targets;
    else {
      const ints = tf.oneHot(targets.ids, z.shape[1]!) as tf.Tensor2D;
      targets.onOneHot?.(ints);
      // (Not tf.oneHot(…, 'float32'): tfjs-backend-wasm 4.22 writes int32 bit patterns into a float32 one-hot.)
      oneHot = tf.cast(ints, 'float32');
    }
    const shifted = tf.sub(z, tf.max(z, 1, true));
    const logSoftmax = tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), 1, true)));
    save([oneHot, logSoftmax]);
    const perExample = tf.neg(tf.sum(tf.mul(oneHot, logSoftmax), -1));
    let value: tf.Tensor = perExample;
    if (reduce) {
      value = tf.sum(perExample);
      if (reduce.divisor !== null) value = tf.div(value, tf.scalar(reduce.divisor));
    }
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [t, ls] = saved as [tf.Tensor2D, tf.Tensor2D];
        let c: tf.Tensor = dy;
        if (reduce?.divisor != null) c = tf.div(dy, tf.scalar(reduce.divisor));
        else if (!reduce) c = tf.reshape(dy, [-1, 1]);
        return tf.sub(tf.mul(c, tf.exp(ls)), tf.mul(c, t));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  // The scope names the op's tape node (what the graph summary shows), after TF's op; tfjs has no kernel or
  // gradient of this name.
  return tf.tidy(FUSED_KERNEL, () => op(logits));
}

/**
 * TF's op name. A backend may register a kernel of this name (the native backend does) taking `features` float32
 * `[B, C]` and `labels` int32 `[B]` and giving `[loss [B], backprop [B, C]]`, `backprop = softmax − oneHot`.
 */
const FUSED_KERNEL = 'SparseSoftmaxCrossEntropyWithLogits';

/**
 * The same loss on the backend's own kernel: one kernel forward, one multiply backward. Its values are within float
 * rounding of the composed ops, not bit-identical (its exp, log and division are the backend's own).
 */
function viaKernel(
  targets: { readonly ids: tf.Tensor1D; readonly onOneHot?: (oneHot: tf.Tensor2D) => void },
  logits: tf.Tensor2D,
  reduce?: { readonly divisor: number | null },
): tf.Tensor {
  const op = tf.customGrad(((z: tf.Tensor2D, save: tf.GradSaveFunc) => {
    if (targets.onOneHot) targets.onOneHot(tf.oneHot(targets.ids, z.shape[1]!) as tf.Tensor2D);
    const [loss, backprop] = tf.engine().runKernel(FUSED_KERNEL, { features: z, labels: targets.ids }) as tf.Tensor[];
    save([backprop!]);
    let value: tf.Tensor = loss!;
    if (reduce) {
      value = tf.sum(loss!);
      if (reduce.divisor !== null) value = tf.div(value, tf.scalar(reduce.divisor));
    }
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        let c: tf.Tensor = dy;
        if (reduce?.divisor != null) c = tf.div(dy, tf.scalar(reduce.divisor));
        else if (!reduce) c = tf.reshape(dy, [-1, 1]);
        return tf.mul(c, saved[0]!);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return tf.tidy(FUSED_KERNEL, () => op(logits));
}
