import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../../errors.js';

/** Where the channels axis is (TF's `data_format`): last (`NWC`, `NHWC`, `NDHWC`) or right after the batch. */
export type DataFormat = 'channels_last' | 'channels_first';

/** Validates `dataFormat` (default `channels_last`). */
export function checkDataFormat(api: string, dataFormat: unknown): DataFormat {
  if (dataFormat === undefined || dataFormat === 'channels_last') return 'channels_last';
  if (dataFormat === 'channels_first') return 'channels_first';
  throw new ModelFnError(
    'INVALID_ARGUMENT',
    `${api}: dataFormat must be 'channels_last' or 'channels_first'. Received ${JSON.stringify(dataFormat)}.`,
  );
}

/**
 * `[batch, C, ...spatial]` → `[batch, ...spatial, C]`. tfjs kernels are channels-last only (as TF's CPU kernels), so
 * channels_first layers transpose around them, as TF does on CPU; the variables have the same shapes either way.
 */
export function toChannelsLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  return tf.transpose(x, [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1]);
}

/** `[batch, ...spatial, C]` → `[batch, C, ...spatial]`. */
export function toChannelsFirst(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  return tf.transpose(x, [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)]);
}
