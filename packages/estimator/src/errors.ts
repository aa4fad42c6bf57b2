import { EstimatorError } from '@estimatorjs/errors';

/** Base class of every error the @estimatorjs packages throw (from `@estimatorjs/errors`); `code` is stable. */
export { EstimatorError };

/**
 * A bad option or argument (RunConfig, HParams, train/evaluate/predict options).
 * @example
 *   try { new RunConfig({ saveCheckpointsSteps: -1 }); } catch (e) { if (e instanceof ConfigError) console.error(e.message); }
 */
export class ConfigError extends EstimatorError {
  override name = 'ConfigError';
}

/**
 * The model_fn returned something the mode does not allow, or was called wrongly.
 * @example
 *   if (caught instanceof ModelFnError) console.error('the model_fn returned a bad spec:', caught.message);
 */
export class ModelFnError extends EstimatorError {
  override name = 'ModelFnError';
}

/**
 * A checkpoint could not be written, found or read.
 * @example
 *   if (caught instanceof CheckpointError && caught.code === 'CORRUPT_CHECKPOINT') console.error(caught.message);
 */
export class CheckpointError extends EstimatorError {
  override name = 'CheckpointError';
}

/** Describes a value for an error message (one implementation, in @estimatorjs/errors). */
export { describeValue as describe } from '@estimatorjs/errors';
