import * as tf from '@tensorflow/tfjs-core';
import type { Initializer } from '../initializers.js';
import { getVariable } from '../variables.js';
import { checkPadding, checkPositiveInt, checkStridesOrDilation, spatialSizes } from './internal/conv-args.js';
import { CONV_COMMON_KEYS, type ConvCommonOptions, convLayer } from './internal/conv-layer.js';
import { dilateKernel } from './internal/dilate-kernel.js';
import type { Regularizer } from './regularizers.js';

/** Options of {@link conv1d}. */
export interface Conv1dOptions extends ConvCommonOptions {
  readonly strides?: number | [number];
  readonly dilationRate?: number | [number];
  /** Default glorot uniform, as TF. */
  readonly kernelInitializer?: Initializer;
  readonly kernelRegularizer?: Regularizer;
}

const KEYS = [...CONV_COMMON_KEYS, 'strides', 'dilationRate', 'kernelInitializer', 'kernelRegularizer'];

/**
 * A 1-D convolution over `[batch, width, channels]` inputs (TF's `tf.layers.conv1d`), with variables
 * `<name>/kernel` (`[kernelSize, inChannels, filters]`) and `<name>/bias`; default name `conv1d`, `conv1d_1`, ….
 * @example
 *   const h = layers.conv1d(sequence, 64, 5, { padding: 'same', activation: 'relu' });
 */
export function conv1d(
  inputs: tf.Tensor,
  filters: number,
  kernelSize: number | [number],
  options: Conv1dOptions = {},
): tf.Tensor3D {
  const api = 'conv1d()';
  checkPositiveInt(api, 'filters', filters);
  const [k] = spatialSizes(api, 'kernelSize', kernelSize, 1);
  const [stride] = spatialSizes(api, 'strides', options.strides ?? 1, 1);
  const [dilation] = spatialSizes(api, 'dilationRate', options.dilationRate ?? 1, 1);
  checkStridesOrDilation(api, [stride!], [dilation!]);
  const padding = checkPadding(api, options.padding);
  return convLayer(inputs, {
    api,
    base: 'conv1d',
    spatialDims: 1,
    options,
    knownKeys: KEYS,
    forward: (x, inChannels) => {
      const kernel = getVariable('kernel', {
        shape: [k!, inChannels, filters],
        initializer: options.kernelInitializer,
        regularizer: options.kernelRegularizer,
        trainable: options.trainable ?? true,
      });
      const dilated = dilateKernel(kernel, [dilation!]) as tf.Tensor3D;
      return tf.conv1d(x as tf.Tensor3D, dilated, stride!, padding, 'NWC', 1);
    },
  }) as tf.Tensor3D;
}
