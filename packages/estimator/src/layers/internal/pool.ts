import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../../errors.js';
import { checkOptionKeys } from '../../internal/option-keys.js';
import { checkTensorInput } from '../check-input.js';
import { checkPadding, spatialSizes } from './conv-args.js';
import { checkDataFormat, type DataFormat, toChannelsFirst, toChannelsLast } from './data-format.js';

/** Options of the pooling layers (TF's `padding`, `data_format`, `name`). */
export interface PoolingOptions {
  /** Default `'valid'`. */
  readonly padding?: 'valid' | 'same';
  /** Default `'channels_last'`. */
  readonly dataFormat?: DataFormat;
  /** Accepted for TF parity; pooling layers have no variables to name. */
  readonly name?: string;
}

const KEYS = ['padding', 'dataFormat', 'name'];

/**
 * Max or average pooling over 1, 2 or 3 spatial axes. 1-D pools run as 2-D pools over a height of 1 (tfjs has no 1-D
 * pool); channels_first inputs are transposed around the channels-last kernels.
 */
export function pool(
  api: string,
  kind: 'max' | 'avg',
  dims: 1 | 2 | 3,
  inputs: tf.Tensor,
  poolSize: unknown,
  strides: unknown,
  options: PoolingOptions,
): tf.Tensor {
  checkTensorInput(api, 'inputs', inputs);
  checkOptionKeys(api, options, KEYS);
  const format = checkDataFormat(api, options.dataFormat);
  if (inputs.rank !== dims + 2) {
    const layouts = format === 'channels_last' ? ['NWC', 'NHWC', 'NDHWC'] : ['NCW', 'NCHW', 'NCDHW'];
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: inputs must have rank ${dims + 2} (${layouts[dims - 1]}). Received shape [${inputs.shape}].`,
    );
  }
  if (strides === undefined) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: strides is required (as in tf.layers), e.g. the pool size. Received undefined.`,
    );
  }
  const size = spatialSizes(api, 'poolSize', poolSize, dims);
  const step = spatialSizes(api, 'strides', strides, dims);
  const padding = checkPadding(api, options.padding);
  const x = format === 'channels_first' ? toChannelsLast(inputs) : inputs;
  let y: tf.Tensor;
  if (dims === 1) {
    const x4 = tf.expandDims(x, 1) as tf.Tensor4D;
    const k: [number, number] = [1, size[0]!];
    const s: [number, number] = [1, step[0]!];
    y = tf.squeeze(kind === 'max' ? tf.maxPool(x4, k, s, padding) : tf.avgPool(x4, k, s, padding), [1]);
  } else if (dims === 2) {
    const k = size as [number, number];
    const s = step as [number, number];
    y = kind === 'max' ? tf.maxPool(x as tf.Tensor4D, k, s, padding) : tf.avgPool(x as tf.Tensor4D, k, s, padding);
  } else {
    const k = size as [number, number, number];
    const s = step as [number, number, number];
    const x5 = x as tf.Tensor5D;
    y =
      kind === 'max'
        ? tf.maxPool3d(x5, k, s, padding, undefined, 'NDHWC')
        : tf.avgPool3d(x5, k, s, padding, undefined, 'NDHWC');
  }
  return format === 'channels_first' ? toChannelsFirst(y) : y;
}
