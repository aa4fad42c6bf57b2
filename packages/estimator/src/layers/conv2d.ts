import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { Initializer } from '../initializers.js';
import { initializers } from '../initializers.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { activeContext, uniqueLayerName } from '../model-fn-context.js';
import { getVariable, variableScope } from '../variables.js';
import { type Activation, applyActivation } from './activation.js';
import { checkTensorInput } from './check-input.js';
import { checkStridesOrDilation, spatialSizes } from './internal/conv-args.js';
import { conv2dOp } from './internal/conv2d-op.js';
import { checkDataFormat, type DataFormat, toChannelsFirst, toChannelsLast } from './internal/data-format.js';
import { inputGradientNeeded, tapeRecording } from './internal/dense-op.js';
import { dilateKernel } from './internal/dilate-kernel.js';
import { type Regularizer, regularizeActivity } from './regularizers.js';

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  readonly strides?: number | [number, number];
  readonly padding?: 'valid' | 'same';
  readonly dilationRate?: number | [number, number];
  readonly activation?: Activation;
  readonly useBias?: boolean;
  readonly name?: string;
  readonly kernelInitializer?: Initializer;
  /** A penalty on the kernel added to the regularization losses, e.g. `regularizers.l2Regularizer(1e-4)`. */
  readonly kernelRegularizer?: Regularizer;
  /** A penalty on the bias added to the regularization losses. */
  readonly biasRegularizer?: Regularizer;
  /** A penalty on the layer's output (divided by the batch size, as TF 1.15 does) added to the regularization losses. */
  readonly activityRegularizer?: Regularizer;
  /** Default `'channels_last'` (NHWC); `'channels_first'` (NCHW) transposes around the NHWC kernel, as TF on CPU. */
  readonly dataFormat?: DataFormat;
}

const KEYS: readonly (keyof Conv2dOptions)[] = [
  'strides',
  'padding',
  'dilationRate',
  'activation',
  'useBias',
  'name',
  'kernelInitializer',
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'dataFormat',
];

/**
 * A 2-D convolution over NHWC inputs (NCHW with `dataFormat: 'channels_first'`) with variables `<name>/kernel` ([kh, kw, in, filters]) and `<name>/bias`
 * (TF's `tf.layers.conv2d`).
 * @example
 *   const c1 = conv2d(images, 20, 5, { activation: 'relu', name: 'conv1' });
 */
export function conv2d(
  inputs: tf.Tensor,
  filters: number,
  kernelSize: number | [number, number],
  options: Conv2dOptions = {},
): tf.Tensor4D {
  checkTensorInput('conv2d()', 'inputs', inputs);
  checkOptionKeys('conv2d()', options, KEYS);
  const ctx = activeContext('conv2d()');
  if (inputs.rank !== 4) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `conv2d(): inputs must have rank 4 (NHWC, or NCHW with dataFormat 'channels_first'). Received shape [${inputs.shape}].`,
    );
  }
  if (checkDataFormat('conv2d()', options.dataFormat) === 'channels_first') {
    const nhwc = toChannelsLast(inputs);
    return toChannelsFirst(
      conv2d(nhwc, filters, kernelSize, { ...options, dataFormat: 'channels_last' }),
    ) as tf.Tensor4D;
  }
  if (!Number.isInteger(filters) || filters <= 0) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `conv2d(): filters must be an integer > 0. Received ${String(filters)}.`,
    );
  }
  const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
  const strides = spatialSizes('conv2d()', 'strides', options.strides ?? 1, 2) as [number, number];
  const dilation = spatialSizes('conv2d()', 'dilationRate', options.dilationRate ?? 1, 2) as [number, number];
  checkStridesOrDilation('conv2d()', strides, dilation);
  const name = options.name ?? uniqueLayerName(ctx, 'conv2d');
  const inChannels = inputs.shape[3]!;
  return variableScope(name, () => {
    const kernel = getVariable('kernel', {
      shape: [kh, kw, inChannels, filters],
      initializer: options.kernelInitializer,
      regularizer: options.kernelRegularizer,
    });
    // tfjs 4.22's Conv2D gradient refuses dilations > 1: convolve with the zero-spread kernel instead, which is
    // the same convolution and trains on every backend (dilateKernel returns the kernel itself at dilation 1).
    const filter = dilateKernel(kernel, dilation) as tf.Tensor4D;
    const bias =
      (options.useBias ?? true)
        ? getVariable('bias', {
            shape: [filters],
            initializer: initializers.zeros(),
            regularizer: options.biasRegularizer,
          })
        : null;
    const padding = options.padding ?? 'valid';
    const relu = options.activation === 'relu';
    if (
      (relu || options.activation === undefined || options.activation === 'linear') &&
      inputs.dtype === 'float32' &&
      tapeRecording()
    ) {
      // A training step: one op with its own gradient, same values, a third of the live memory (internal/conv2d-op.ts).
      const out = conv2dOp(
        inputs as tf.Tensor4D,
        filter,
        bias as tf.Tensor1D | null,
        relu,
        strides,
        padding,
        inputGradientNeeded(inputs),
      );
      regularizeActivity('conv2d()', options.activityRegularizer, out);
      return out;
    }
    let y: tf.Tensor4D = tf.conv2d(inputs as tf.Tensor4D, filter, strides, padding, 'NHWC', 1);
    if (bias) y = tf.add(y, bias);
    const out = applyActivation('conv2d()', y, options.activation) as tf.Tensor4D;
    regularizeActivity('conv2d()', options.activityRegularizer, out);
    return out;
  });
}
