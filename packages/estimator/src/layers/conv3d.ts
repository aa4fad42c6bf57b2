import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { Initializer } from '../initializers.js';
import { getVariable } from '../variables.js';
import { checkPadding, checkPositiveInt, checkStridesOrDilation, spatialSizes } from './internal/conv-args.js';
import { CONV_COMMON_KEYS, type ConvCommonOptions, convLayer } from './internal/conv-layer.js';
import type { Regularizer } from './regularizers.js';

/** Options of {@link conv3d}. */
export interface Conv3dOptions extends ConvCommonOptions {
  readonly strides?: number | [number, number, number];
  /** Only 1: tfjs has no dilated 3-D convolution gradient; other values are refused. */
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
  if (dilation.some((d) => d !== 1)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: dilationRate > 1 is not supported (tfjs's Conv3D gradients have no dilation). Received dilationRate [${dilation}].`,
    );
  }
  const padding = checkPadding(api, options.padding);
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
      return tf.conv3d(x as tf.Tensor5D, kernel as tf.Tensor5D, strides, padding, 'NDHWC', dilation);
    },
  }) as tf.Tensor5D;
}
