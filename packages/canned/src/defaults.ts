/** TF 1.x's defaults for the premade estimators (tensorflow_estimator/python/estimator/canned/*.py). */
export const DEFAULTS = {
  /** dnn.py `_LEARNING_RATE`, with Adagrad. */
  dnnLearningRate: 0.05,
  /** linear.py `_LEARNING_RATE`, with Ftrl: the rate is `min(0.2, 1 / sqrt(number of columns))`. */
  linearLearningRate: 0.2,
  /** baseline.py `_LEARNING_RATE`, with Ftrl. */
  baselineLearningRate: 0.3,
  /** dnn_linear_combined.py `_DNN_LEARNING_RATE` (Adagrad) and `_LINEAR_LEARNING_RATE` (Ftrl, same min rule). */
  combinedDnnLearningRate: 0.001,
  combinedLinearLearningRate: 0.005,
  /** Hidden layers' activation. */
  activation: 'relu',
} as const;

/** TF's linear learning rate rule: `min(base, 1 / sqrt(columns))`. */
export function linearLearningRate(base: number, columns: number): number {
  return Math.min(base, 1 / Math.sqrt(columns));
}
