/**
 * TF's serving input receiver contract: what the model_fn sees at serving time (`features`) and what the exported
 * model takes as inputs (`receiverTensors`). A receiver fn builds both from placeholders ({@link placeholder}), which
 * the tracer fills with stand-in values of a batch size it picks (it traces twice to find the dynamic batch axis).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Features } from '../internal/input.js';

/** TF's `ServingInputReceiver`: the features for the model_fn and the tensors the exported model receives. */
export interface ServingInputReceiver {
  readonly features: Features;
  /** One tensor (named `input`) or named tensors; each becomes one input of the exported model. */
  readonly receiverTensors: tf.Tensor | Readonly<Record<string, tf.Tensor>>;
}

/** TF's `serving_input_receiver_fn`: called by the tracer (twice, once per traced batch size). */
export type ServingInputReceiverFn = () => ServingInputReceiver;
