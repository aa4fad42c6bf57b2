import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../../errors.js';
import { type Initializer, initializers } from '../../initializers.js';
import { checkOptionKeys } from '../../internal/option-keys.js';
import { activeContext, uniqueLayerName } from '../../model-fn-context.js';
import { getVariable, variableScope } from '../../variables.js';
import { type Activation, applyActivation } from '../activation.js';
import { checkTensorInput } from '../check-input.js';
import { type Regularizer, regularizeActivity } from '../regularizers.js';
import { checkDataFormat, type DataFormat, toChannelsFirst, toChannelsLast } from './data-format.js';

/** Options every convolution layer takes (TF's `tf.layers.conv*` keyword arguments in camelCase). */
export interface ConvCommonOptions {
  readonly padding?: 'valid' | 'same';
  /** Default `'channels_last'`; `'channels_first'` transposes around the channels-last kernels. */
  readonly dataFormat?: DataFormat;
  readonly activation?: Activation;
  readonly useBias?: boolean;
  readonly name?: string;
  /** Default zeros. */
  readonly biasInitializer?: Initializer;
  /** A penalty on the bias added to the regularization losses. */
  readonly biasRegularizer?: Regularizer;
  /** A penalty on the layer's output (divided by the batch size, as TF 1.15 does) added to the regularization losses. */
  readonly activityRegularizer?: Regularizer;
  /** Whether the layer's variables are trained (default true); false keeps them out of `trainableVariables()`. */
  readonly trainable?: boolean;
}

/** The keys of {@link ConvCommonOptions}, for the unknown-key check. */
export const CONV_COMMON_KEYS = [
  'padding',
  'dataFormat',
  'activation',
  'useBias',
  'name',
  'biasInitializer',
  'biasRegularizer',
  'activityRegularizer',
  'trainable',
] as const;

/** What one convolution layer tells {@link convLayer}. */
export interface ConvSpec {
  readonly api: string;
  /** The default layer name, `conv1d`, `separable_conv2d`, … */
  readonly base: string;
  readonly spatialDims: 1 | 2 | 3;
  readonly options: ConvCommonOptions;
  /** Every option key the layer accepts. */
  readonly knownKeys: readonly string[];
  /**
   * Creates the layer's kernels (inside its variable scope) and convolves the channels-last input; returns the
   * output before bias and activation.
   */
  readonly forward: (x: tf.Tensor, inChannels: number) => tf.Tensor;
}

/**
 * The parts every tf.layers convolution shares: input checks, `dataFormat`, the layer's name and variable scope,
 * the bias (`<name>/bias`), the activation and the activity regularizer. Owns: that order of steps. Does not own:
 * the kernels and the convolution itself (each layer's `forward`).
 */
export function convLayer(inputs: tf.Tensor, spec: ConvSpec): tf.Tensor {
  const { api, options, spatialDims } = spec;
  checkTensorInput(api, 'inputs', inputs);
  checkOptionKeys(api, options, spec.knownKeys);
  const ctx = activeContext(api);
  const format = checkDataFormat(api, options.dataFormat);
  const rank = spatialDims + 2;
  if (inputs.rank !== rank) {
    const layout = ['NWC', 'NHWC', 'NDHWC'][spatialDims - 1]!;
    const first = ['NCW', 'NCHW', 'NCDHW'][spatialDims - 1]!;
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: inputs must have rank ${rank} (${format === 'channels_last' ? layout : first}). Received shape [${inputs.shape}].`,
    );
  }
  const name = options.name ?? uniqueLayerName(ctx, spec.base);
  return variableScope(name, () => {
    const x = format === 'channels_first' ? toChannelsLast(inputs) : inputs;
    const inChannels = x.shape[rank - 1]!;
    let y = spec.forward(x, inChannels);
    if (options.useBias ?? true) {
      const bias = getVariable('bias', {
        shape: [y.shape[rank - 1]!],
        initializer: options.biasInitializer ?? initializers.zeros(),
        regularizer: options.biasRegularizer,
        trainable: options.trainable ?? true,
      });
      y = tf.add(y, bias);
    }
    y = applyActivation(api, y, options.activation);
    const out = format === 'channels_first' ? toChannelsFirst(y) : y;
    regularizeActivity(api, options.activityRegularizer, out);
    return out;
  });
}
