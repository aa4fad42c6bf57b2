import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from './errors.js';
import { maybeActiveContext } from './model-fn-context.js';

/** A summary a model_fn asked for, kept until the Estimator writes it. */
export interface ModelSummary {
  readonly kind: 'scalar' | 'histogram' | 'image';
  readonly name: string;
  readonly tensor: tf.Tensor;
  readonly maxOutputs?: number;
}

function record(api: string, summary: ModelSummary): void {
  if (!(summary.tensor instanceof tf.Tensor)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: expected a tensor for ${JSON.stringify(summary.name)}. Received ${typeof summary.tensor}.`,
    );
  }
  const ctx = maybeActiveContext();
  // Only on steps where the Estimator writes summaries (every saveSummarySteps): elsewhere this costs nothing.
  if (!ctx?.summaries) return;
  if (ctx.summaries.has(summary.name)) return;
  ctx.summaries.set(summary.name, summary);
}

/**
 * Summaries a model_fn can ask for, like TF 1.x's `tf.summary.*` ops: the Estimator writes them to `modelDir`
 * every `saveSummarySteps` training steps, so TensorBoard shows them next to the loss.
 * @example
 *   summary.image('input', tf.reshape(features, [-1, 28, 28, 1]), { maxOutputs: 3 });
 *   summary.histogram('logits', logits);
 */
export const summary = {
  scalar: (name: string, tensor: tf.Tensor): void => record('summary.scalar()', { kind: 'scalar', name, tensor }),
  histogram: (name: string, tensor: tf.Tensor): void =>
    record('summary.histogram()', { kind: 'histogram', name, tensor }),
  image: (name: string, tensor: tf.Tensor, options: { maxOutputs?: number } = {}): void =>
    record('summary.image()', { kind: 'image', name, tensor, maxOutputs: options.maxOutputs ?? 3 }),
} as const;
