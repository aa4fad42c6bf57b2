import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { Initializer } from '../initializers.js';
import { getVariable } from '../variables.js';
import { checkPadding, checkPositiveInt, spatialSizes } from './internal/conv-args.js';
import { CONV_COMMON_KEYS, type ConvCommonOptions, convLayer } from './internal/conv-layer.js';
import type { Regularizer } from './regularizers.js';

/** Options of {@link conv2dTranspose}. */
export interface Conv2dTransposeOptions extends ConvCommonOptions {
  readonly strides?: number | [number, number];
  /** Default glorot uniform, as TF. */
  readonly kernelInitializer?: Initializer;
  readonly kernelRegularizer?: Regularizer;
}

const KEYS = [...CONV_COMMON_KEYS, 'strides', 'kernelInitializer', 'kernelRegularizer'];

/** TF's `deconv_output_length` (no output padding, no dilation). */
function outputLength(input: number, kernel: number, stride: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? input * stride : input * stride + Math.max(kernel - stride, 0);
}

/**
 * A transposed 2-D convolution (the gradient of conv2d with respect to its input; TF's
 * `tf.layers.conv2d_transpose`), with variables `<name>/kernel` (`[kh, kw, filters, inChannels]`, TF's layout) and
 * `<name>/bias`. Output size per axis: `in · stride` with `'same'`, `in · stride + max(k − stride, 0)` with
 * `'valid'`, as TF. Default name `conv2d_transpose`.
 * @example
 *   const up = layers.conv2dTranspose(h, 32, 3, { strides: 2, padding: 'same', activation: 'relu' });
 */
export function conv2dTranspose(
  inputs: tf.Tensor,
  filters: number,
  kernelSize: number | [number, number],
  options: Conv2dTransposeOptions = {},
): tf.Tensor4D {
  const api = 'conv2dTranspose()';
  checkPositiveInt(api, 'filters', filters);
  if ('dilationRate' in options) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: dilationRate is not supported by the transposed convolution (tfjs has no dilated Conv2DBackpropInput). Received dilationRate ${String((options as { dilationRate: unknown }).dilationRate)}.`,
    );
  }
  const [kh, kw] = spatialSizes(api, 'kernelSize', kernelSize, 2) as [number, number];
  const [sh, sw] = spatialSizes(api, 'strides', options.strides ?? 1, 2) as [number, number];
  const padding = checkPadding(api, options.padding);
  return convLayer(inputs, {
    api,
    base: 'conv2d_transpose',
    spatialDims: 2,
    options,
    knownKeys: KEYS,
    forward: (x, inChannels) => {
      const kernel = getVariable('kernel', {
        shape: [kh, kw, filters, inChannels],
        initializer: options.kernelInitializer,
        regularizer: options.kernelRegularizer,
        trainable: options.trainable ?? true,
      });
      const [batch, h, w] = x.shape as [number, number, number, number];
      const outShape: [number, number, number, number] = [
        batch,
        outputLength(h, kh, sh, padding),
        outputLength(w, kw, sw, padding),
        filters,
      ];
      return tf.conv2dTranspose(x as tf.Tensor4D, kernel as tf.Tensor4D, outShape, [sh, sw], padding);
    },
  }) as tf.Tensor4D;
}
