/**
 * A 2-D convolution layer's `conv2d(x, kernel) (+ bias) (then relu)` as one taped op with its own gradient, for
 * training steps.
 *
 * Why: as three taped tfjs ops (Conv2D, Add, Relu) every intermediate stays alive until the step's gradients are
 * done: the convolution's output, the biased output and the activation are three tensors of the layer's full output
 * size, and relu's gradient adds a step mask beside its product. On the example's CNN (batch 128) the first layer's
 * output is 7.7 MB, and those copies were 46 of the step's 72 MB of live tensors, which set the size of the wasm heap
 * (it never shrinks) and so much of the process's memory. Here the forward kernels run untaped inside one
 * custom-gradient op that keeps only its input, the kernel and its output; the backward frees its mask at once.
 *
 * Values and gradients are bit-identical to the three ops on every backend: the same kernels run in the same order
 * with the same attributes. Relu's gradient is `dy · step(output)`, the same bits as tfjs' `dy · step(input)` (see
 * dense-op.ts); the bias gradient is `sum(dy, [0, 1, 2])`, as tfjs' Add gradient reduces the broadcast axes; the
 * kernel's and the input's gradients are the Conv2DBackpropFilter and Conv2DBackpropInput kernels tfjs' Conv2D
 * gradient runs. The input's gradient is computed only when the input depends on a variable (not for the first
 * layer over the features, whose gradient tfjs' tape would not compute either).
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `relu?(conv2d(x, kernel, strides, padding) + bias?)` over NHWC float32 `x` while a tape records, as one
 * custom-gradient op (see the file header). `inputGradient: false` leaves `x` out of the op's inputs: no gradient is
 * computed for it. Dilation is the caller's (a zero-spread kernel, as conv2d() trains it).
 */
export function conv2dOp(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  bias: tf.Tensor1D | null,
  relu: boolean,
  strides: [number, number],
  padding: 'valid' | 'same',
  inputGradient: boolean,
): tf.Tensor4D {
  const forward = (...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    // Untaped (customGrad runs this inside a kernel), and the tidy frees the convolution's and the bias's outputs
    // as soon as the activation exists.
    const out = tf.tidy(() => {
      let y: tf.Tensor4D = tf.conv2d(x, kernel, strides, padding, 'NHWC', 1);
      if (bias) y = tf.add(y, bias);
      return relu ? tf.relu(y) : y;
    });
    // Saved: x for the kernel's gradient, the kernel for the input's, the output for relu's.
    save([x, ...(inputGradient ? [kernel] : []), ...(relu ? [out] : [])]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const sx = saved[0] as tf.Tensor4D;
        const sk = (inputGradient ? saved[1] : null) as tf.Tensor4D | null;
        const activated = relu ? saved[saved.length - 1]! : null;
        // The step mask is freed here, not at the end of the backward pass.
        const g = (activated ? tf.tidy(() => tf.mul(dy, tf.step(activated))) : dy) as tf.Tensor4D;
        const attrs = { strides, pad: padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
        const grads: tf.Tensor[] = [];
        if (sk) {
          const inputAttrs = { ...attrs, inputShape: sx.shape };
          grads.push(
            tf.engine().runKernel('Conv2DBackpropInput', { dy: g, filter: sk }, inputAttrs as never) as tf.Tensor,
          );
        }
        const filterAttrs = { ...attrs, filterShape: kernel.shape };
        grads.push(tf.engine().runKernel('Conv2DBackpropFilter', { x: sx, dy: g }, filterAttrs as never) as tf.Tensor);
        if (bias) grads.push(tf.sum(g, [0, 1, 2]));
        if (g !== dy) g.dispose();
        return grads;
      },
    };
  };
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  const inputs: tf.Tensor[] = [...(inputGradient ? [x] : []), kernel, ...(bias ? [bias] : [])];
  // The scope names the op's tape node (what the graph summary shows); no tfjs kernel or gradient has this name.
  return tf.tidy('Conv2DLayer', () => op(...inputs)) as tf.Tensor4D;
}
