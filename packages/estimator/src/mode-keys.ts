import type { Mode } from '@estimatorjs/hooks';

/**
 * TF's `tf.estimator.ModeKeys`: what the model_fn is asked to build.
 * @example
 *   if (mode === ModeKeys.PREDICT) return { mode, predictions: { classes } };
 */
export const ModeKeys = {
  TRAIN: 'train',
  EVAL: 'eval',
  PREDICT: 'infer',
} as const satisfies Record<string, Mode>;

export type { Mode };
