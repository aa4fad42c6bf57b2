import * as tf from '@tensorflow/tfjs-core';
import type { Initializer } from '../initializers.js';
import { maybeActiveContext } from '../model-fn-context.js';
import { getVariable } from '../variables.js';
import { refuseBrokenKernel } from './internal/backend-gaps.js';
import { checkPadding, checkPositiveInt, checkStridesOrDilation, spatialSizes } from './internal/conv-args.js';
import { CONV_COMMON_KEYS, type ConvCommonOptions, convLayer } from './internal/conv-layer.js';
import { dilateKernel } from './internal/dilate-kernel.js';
import type { Regularizer } from './regularizers.js';

/** Options of {@link conv3d}. */
export interface Conv3dOptions extends ConvCommonOptions {
  readonly strides?: number | [number, number, number];
  readonly dilationRate?: number | [number, number, number];
  /** Default glorot uniform, as TF. */
  readonly kernelInitializer?: Initializer;
  readonly kernelRegularizer?: Regularizer;
}

const KEYS = [...CONV_COMMON_KEYS, 'strides', 'dilationRate', 'kernelInitializer', 'kernelRegularizer'];

/**
 * A 3-D convolution over `[batch, depth, height, width, channels]` inputs (TF's `tf.layers.conv3d`), with variables
 * `<name>/kernel` (`[kd, kh, kw, inChannels, filters]`) and `<name>/bias`; default name `conv3d`, `conv3d_1`, ….
 * @example
 *   const h = layers.conv3d(volumes, 16, 3, { padding: 'same', activation: 'relu' });
 */
export function conv3d(
  inputs: tf.Tensor,
  filters: number,
  kernelSize: number | [number, number, number],
  options: Conv3dOptions = {},
): tf.Tensor5D {
  const api = 'conv3d()';
  checkPositiveInt(api, 'filters', filters);
  const kernelDims = spatialSizes(api, 'kernelSize', kernelSize, 3);
  const strides = spatialSizes(api, 'strides', options.strides ?? 1, 3) as [number, number, number];
  const dilation = spatialSizes(api, 'dilationRate', options.dilationRate ?? 1, 3) as [number, number, number];
  checkStridesOrDilation(api, strides, dilation);
  const padding = checkPadding(api, options.padding);
  refuseBrokenKernel(api, 'Conv3DBackpropInputV2', maybeActiveContext()?.mode === 'train');
  return convLayer(inputs, {
    api,
    base: 'conv3d',
    spatialDims: 3,
    options,
    knownKeys: KEYS,
    forward: (x, inChannels) => {
      const kernel = getVariable('kernel', {
        shape: [...kernelDims, inChannels, filters],
        initializer: options.kernelInitializer,
        regularizer: options.kernelRegularizer,
        trainable: options.trainable ?? true,
      });
      const k = dilateKernel(kernel, dilation) as tf.Tensor5D;
      return tf.conv3d(x as tf.Tensor5D, k, strides, padding, 'NDHWC', 1);
    },
  }) as tf.Tensor5D;
}
