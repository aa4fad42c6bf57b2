import { EstimatorError } from '@estimatorjs/errors';

/** Base class of every error the @estimatorjs packages throw (from `@estimatorjs/errors`); `code` is stable. */
export { EstimatorError };

/** A bad option or argument (RunConfig, HParams, train/evaluate/predict options). */
export class ConfigError extends EstimatorError {
  override name = 'ConfigError';
}

/** The model_fn returned something the mode does not allow, or was called wrongly. */
export class ModelFnError extends EstimatorError {
  override name = 'ModelFnError';
}

/** A checkpoint could not be written, found or read. */
export class CheckpointError extends EstimatorError {
  override name = 'CheckpointError';
}

/** Describes a value for an error message (one implementation, in @estimatorjs/errors). */
export { describeValue as describe } from '@estimatorjs/errors';
