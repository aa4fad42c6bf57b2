import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';

/** An activation by name, or any function of a tensor. */
export type Activation =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'elu'
  | 'selu'
  | 'sigmoid'
  | 'tanh'
  | 'softmax'
  | ((x: tf.Tensor) => tf.Tensor);

/** Applies an activation. */
export function applyActivation(api: string, x: tf.Tensor, activation: Activation | undefined): tf.Tensor {
  if (activation === undefined || activation === 'linear') return x;
  if (typeof activation === 'function') return activation(x);
  switch (activation) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'elu':
      return tf.elu(x);
    case 'selu':
      return tf.selu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x);
    default:
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `${api}: unknown activation ${JSON.stringify(activation)}; expected linear, relu, relu6, elu, selu, sigmoid, tanh, softmax or a function.`,
      );
  }
}
