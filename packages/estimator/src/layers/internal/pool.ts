import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../../errors.js';
import { checkOptionKeys } from '../../internal/option-keys.js';
import { checkTensorInput } from '../check-input.js';
import { refuseBrokenKernel } from './backend-gaps.js';
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
  if (dims === 3 && kind === 'max') refuseBrokenKernel(api, 'MaxPool3D', false);
  return tf.tidy(() => {
    const x = format === 'channels_first' ? toChannelsLast(inputs) : inputs;
    const y =
      kind === 'avg' && padding === 'same'
        ? averageSame(x, dims, size, step)
        : runPool(x, kind, dims, size, step, padding);
    return format === 'channels_first' ? toChannelsFirst(y) : y;
  });
}

/**
 * TF's 'same' average pool divides each window by its real (unpadded) elements. tfjs 4.22's forward pass does too,
 * but its AvgPool/AvgPool3D gradients divide every window by the full window size, so training would get wrong
 * gradients at the edges. Padding explicitly and dividing by the count of real elements (a constant) gives TF's
 * values and, through the 'valid' pool, gradients that agree with them.
 */
function averageSame(x: tf.Tensor, dims: number, size: number[], step: number[]): tf.Tensor {
  const spatial = x.shape.slice(1, -1);
  const pads = spatial.map((n, d): [number, number] => {
    const out = Math.ceil(n / step[d]!);
    const total = Math.max((out - 1) * step[d]! + size[d]! - n, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
  const padAll = (t: tf.Tensor) => tf.pad(t, [[0, 0], ...pads, [0, 0]]);
  const sums = runPool(padAll(x), 'avg', dims, size, step, 'valid');
  const share = runPool(padAll(tf.ones([1, ...spatial, 1])), 'avg', dims, size, step, 'valid');
  return tf.div(sums, share);
}

function runPool(
  x: tf.Tensor,
  kind: 'max' | 'avg',
  dims: number,
  size: number[],
  step: number[],
  padding: 'valid' | 'same',
): tf.Tensor {
  if (dims === 1) {
    const x4 = tf.expandDims(x, 1) as tf.Tensor4D;
    const k: [number, number] = [1, size[0]!];
    const s: [number, number] = [1, step[0]!];
    return tf.squeeze(kind === 'max' ? tf.maxPool(x4, k, s, padding) : tf.avgPool(x4, k, s, padding), [1]);
  }
  if (dims === 2) {
    const k = size as [number, number];
    const s = step as [number, number];
    return kind === 'max' ? tf.maxPool(x as tf.Tensor4D, k, s, padding) : tf.avgPool(x as tf.Tensor4D, k, s, padding);
  }
  const k = size as [number, number, number];
  const s = step as [number, number, number];
  const x5 = x as tf.Tensor5D;
  return kind === 'max'
    ? tf.maxPool3d(x5, k, s, padding, undefined, 'NDHWC')
    : tf.avgPool3d(x5, k, s, padding, undefined, 'NDHWC');
}
