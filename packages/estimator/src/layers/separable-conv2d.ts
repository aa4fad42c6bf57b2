import * as tf from '@tensorflow/tfjs-core';
import type { Initializer } from '../initializers.js';
import { getVariable } from '../variables.js';
import { checkPadding, checkPositiveInt, checkStridesOrDilation, spatialSizes } from './internal/conv-args.js';
import { CONV_COMMON_KEYS, type ConvCommonOptions, convLayer } from './internal/conv-layer.js';
import { dilateKernel } from './internal/dilate-kernel.js';
import type { Regularizer } from './regularizers.js';

/** Options of {@link separableConv2d} and {@link depthwiseConv2d}. */
export interface DepthwiseConv2dOptions extends ConvCommonOptions {
  readonly strides?: number | [number, number];
  readonly dilationRate?: number | [number, number];
  /** Output channels per input channel of the depthwise step (default 1). */
  readonly depthMultiplier?: number;
  /** Default glorot uniform over `[kh, kw, in, depthMultiplier]`, as TF. */
  readonly depthwiseInitializer?: Initializer;
  readonly depthwiseRegularizer?: Regularizer;
}

/** Options of {@link separableConv2d}. */
export interface SeparableConv2dOptions extends DepthwiseConv2dOptions {
  /** Default glorot uniform over `[1, 1, in · depthMultiplier, filters]`, as TF. */
  readonly pointwiseInitializer?: Initializer;
  readonly pointwiseRegularizer?: Regularizer;
}

const DEPTHWISE_KEYS = [
  ...CONV_COMMON_KEYS,
  'strides',
  'dilationRate',
  'depthMultiplier',
  'depthwiseInitializer',
  'depthwiseRegularizer',
];
const SEPARABLE_KEYS = [...DEPTHWISE_KEYS, 'pointwiseInitializer', 'pointwiseRegularizer'];

function depthwiseArgs(api: string, kernelSize: number | [number, number], options: DepthwiseConv2dOptions) {
  const kernel = spatialSizes(api, 'kernelSize', kernelSize, 2) as [number, number];
  const strides = spatialSizes(api, 'strides', options.strides ?? 1, 2) as [number, number];
  const dilation = spatialSizes(api, 'dilationRate', options.dilationRate ?? 1, 2) as [number, number];
  checkStridesOrDilation(api, strides, dilation);
  const multiplier = checkPositiveInt(api, 'depthMultiplier', options.depthMultiplier ?? 1);
  return { kernel, strides, dilation, multiplier, padding: checkPadding(api, options.padding) };
}

/**
 * A depthwise-separable 2-D convolution (TF's `tf.layers.separable_conv2d`): a depthwise convolution of each input
 * channel (`<name>/depthwise_kernel`, `[kh, kw, in, depthMultiplier]`), then a 1×1 convolution mixing channels
 * (`<name>/pointwise_kernel`, `[1, 1, in · depthMultiplier, filters]`), then `<name>/bias`. Default name
 * `separable_conv2d`.
 * @example
 *   const h = layers.separableConv2d(x, 64, 3, { padding: 'same', activation: 'relu' });
 */
export function separableConv2d(
  inputs: tf.Tensor,
  filters: number,
  kernelSize: number | [number, number],
  options: SeparableConv2dOptions = {},
): tf.Tensor4D {
  const api = 'separableConv2d()';
  checkPositiveInt(api, 'filters', filters);
  const { kernel, strides, dilation, multiplier, padding } = depthwiseArgs(api, kernelSize, options);
  const trainable = options.trainable ?? true;
  return convLayer(inputs, {
    api,
    base: 'separable_conv2d',
    spatialDims: 2,
    options,
    knownKeys: SEPARABLE_KEYS,
    forward: (x, inChannels) => {
      const depthwise = getVariable('depthwise_kernel', {
        shape: [...kernel, inChannels, multiplier],
        initializer: options.depthwiseInitializer,
        regularizer: options.depthwiseRegularizer,
        trainable,
      });
      const pointwise = getVariable('pointwise_kernel', {
        shape: [1, 1, inChannels * multiplier, filters],
        initializer: options.pointwiseInitializer,
        regularizer: options.pointwiseRegularizer,
        trainable,
      });
      // tf.separableConv2d = depthwise then 1×1 conv; written out so the depthwise kernel can be dilated explicitly.
      const dw = dilateKernel(depthwise, dilation) as tf.Tensor4D;
      const mid = tf.depthwiseConv2d(x as tf.Tensor4D, dw, strides, padding, 'NHWC', 1);
      return tf.conv2d(mid, pointwise as tf.Tensor4D, 1, 'valid', 'NHWC');
    },
  }) as tf.Tensor4D;
}

/**
 * A depthwise 2-D convolution alone (Keras' `DepthwiseConv2D`, the first step of {@link separableConv2d}): each
 * input channel convolved with its own `depthMultiplier` filters; variables `<name>/depthwise_kernel`
 * (`[kh, kw, in, depthMultiplier]`) and `<name>/bias` (`[in · depthMultiplier]`). Default name `depthwise_conv2d`.
 * @example
 *   const h = layers.depthwiseConv2d(x, 3, { padding: 'same', depthMultiplier: 2 });
 */
export function depthwiseConv2d(
  inputs: tf.Tensor,
  kernelSize: number | [number, number],
  options: DepthwiseConv2dOptions = {},
): tf.Tensor4D {
  const api = 'depthwiseConv2d()';
  const { kernel, strides, dilation, multiplier, padding } = depthwiseArgs(api, kernelSize, options);
  return convLayer(inputs, {
    api,
    base: 'depthwise_conv2d',
    spatialDims: 2,
    options,
    knownKeys: DEPTHWISE_KEYS,
    forward: (x, inChannels) => {
      const depthwise = getVariable('depthwise_kernel', {
        shape: [...kernel, inChannels, multiplier],
        initializer: options.depthwiseInitializer,
        regularizer: options.depthwiseRegularizer,
        trainable: options.trainable ?? true,
      });
      const dw = dilateKernel(depthwise, dilation) as tf.Tensor4D;
      return tf.depthwiseConv2d(x as tf.Tensor4D, dw, strides, padding, 'NHWC', 1);
    },
  }) as tf.Tensor4D;
}
