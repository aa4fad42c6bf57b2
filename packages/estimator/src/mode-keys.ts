import type { Mode } from '@estimatorjs/hooks';

/**
 * TF's `tf.estimator.ModeKeys`: what the model_fn is asked to build.
 * @example
 *   const spec: EstimatorSpec = mode === ModeKeys.PREDICT ? { mode, predictions: { classes } } : buildSpec(features, labels, mode, 0.4);
 */
export const ModeKeys = {
  TRAIN: 'train',
  EVAL: 'eval',
  PREDICT: 'infer',
} as const satisfies Record<string, Mode>;

export type { Mode };
