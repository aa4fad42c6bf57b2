/** Every default value of the estimator package, in one place (TF 1.x's defaults unless noted). */
export const DEFAULTS = {
  saveSummarySteps: 100,
  /** TF saves every 600 s by default; step-based saving is what the examples use. */
  saveCheckpointsSecs: 600,
  keepCheckpointMax: 5,
  logStepCountSteps: 100,
  checkpointBasename: 'model.ckpt',
  evalDirPrefix: 'eval',
} as const;
