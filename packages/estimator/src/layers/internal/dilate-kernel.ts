import * as tf from '@tensorflow/tfjs-core';

/**
 * The kernel with `d − 1` zeros between its taps along each leading spatial axis: a convolution with it and
 * dilation 1 is the convolution with the original kernel and dilation d (same output size and padding, since TF
 * pads for the effective size `(k − 1)·d + 1`). tfjs 4.22's Conv2D, Conv3D and DepthwiseConv2dNative gradients
 * refuse dilations > 1; through pad/reshape/slice the dilated layers still train, on every backend.
 */
export function dilateKernel(kernel: tf.Tensor, dilation: readonly number[]): tf.Tensor {
  let k = kernel;
  for (const [axis, d] of dilation.entries()) {
    if (d === 1) continue;
    const shape = k.shape;
    const n = shape[axis]!;
    const before = shape.slice(0, axis);
    const after = shape.slice(axis + 1);
    const spread = tf.pad(tf.expandDims(k, axis + 1), [
      ...before.map((): [number, number] => [0, 0]),
      [0, 0],
      [0, d - 1],
      ...after.map((): [number, number] => [0, 0]),
    ]);
    const merged = tf.reshape(spread, [...before, n * d, ...after]);
    k = tf.slice(
      merged,
      shape.map(() => 0),
      [...before, (n - 1) * d + 1, ...after],
    );
  }
  return k;
}
