import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { Initializer } from '../initializers.js';
import { initializers } from '../initializers.js';
import { checkOptionKeys } from '../internal/option-keys.js';
import { activeContext, uniqueLayerName } from '../model-fn-context.js';
import { getVariable, variableScope } from '../variables.js';
import { type Activation, applyActivation } from './activation.js';
import { checkTensorInput } from './check-input.js';
import { denseOp, inputGradientNeeded, tapeRecording } from './internal/dense-op.js';
import { type Regularizer, regularizeActivity } from './regularizers.js';

/** Options of {@link dense}. */
export interface DenseOptions {
  readonly activation?: Activation;
  readonly useBias?: boolean;
  readonly name?: string;
  readonly kernelInitializer?: Initializer;
  readonly biasInitializer?: Initializer;
  /** A penalty on the kernel added to the regularization losses, e.g. `regularizers.l2Regularizer(1e-4)`. */
  readonly kernelRegularizer?: Regularizer;
  /** A penalty on the bias added to the regularization losses. */
  readonly biasRegularizer?: Regularizer;
  /** A penalty on the layer's output (divided by the batch size, as TF 1.15 does) added to the regularization losses. */
  readonly activityRegularizer?: Regularizer;
}

const KEYS: readonly (keyof DenseOptions)[] = [
  'activation',
  'useBias',
  'name',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
];

/**
 * A fully connected layer, `activation(inputs · kernel + bias)`, with variables `<name>/kernel` and `<name>/bias`
 * (TF's `tf.layers.dense`). Inputs of rank > 2 are multiplied on their last axis.
 * @example
 *   const logits = dense(hidden, 10, { name: 'logits' });
 */
export function dense(inputs: tf.Tensor, units: number, options: DenseOptions = {}): tf.Tensor {
  checkTensorInput('dense()', 'inputs', inputs);
  checkOptionKeys('dense()', options, KEYS);
  const ctx = activeContext('dense()');
  if (!Number.isInteger(units) || units <= 0) {
    throw new ModelFnError('INVALID_ARGUMENT', `dense(): units must be an integer > 0. Received ${String(units)}.`);
  }
  if (inputs.rank < 2) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `dense(): inputs must have rank >= 2 ([batch, features]). Received shape [${inputs.shape}].`,
    );
  }
  const name = options.name ?? uniqueLayerName(ctx, 'dense');
  const inDim = inputs.shape[inputs.rank - 1]!;
  return variableScope(name, () => {
    const kernel = getVariable('kernel', {
      shape: [inDim, units],
      initializer: options.kernelInitializer,
      regularizer: options.kernelRegularizer,
    });
    const flat = inputs.rank === 2 ? inputs : tf.reshape(inputs, [-1, inDim]);
    const bias =
      (options.useBias ?? true)
        ? getVariable('bias', {
            shape: [units],
            initializer: options.biasInitializer ?? initializers.zeros(),
            regularizer: options.biasRegularizer,
          })
        : null;
    const activation = options.activation;
    const relu = activation === 'relu';
    let out: tf.Tensor;
    if ((relu || activation === undefined || activation === 'linear') && flat.dtype === 'float32' && tapeRecording()) {
      // A training step: one op with its own gradient, same values, far fewer kernel dispatches (internal/dense-op.ts).
      const y = denseOp(
        flat as tf.Tensor2D,
        kernel as tf.Tensor2D,
        bias as tf.Tensor1D | null,
        relu,
        inputGradientNeeded(flat),
      );
      out = inputs.rank === 2 ? y : tf.reshape(y, [...inputs.shape.slice(0, -1), units]);
    } else {
      let y: tf.Tensor = tf.matMul(flat as tf.Tensor2D, kernel as tf.Tensor2D);
      if (bias) y = tf.add(y, bias);
      if (inputs.rank !== 2) y = tf.reshape(y, [...inputs.shape.slice(0, -1), units]);
      out = applyActivation('dense()', y, activation);
    }
    regularizeActivity('dense()', options.activityRegularizer, out);
    return out;
  });
}
