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

/** Describes a value for an error message: its type and, for short things, the value itself. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object' && 'shape' in value && 'dtype' in value) {
    const t = value as { shape: number[]; dtype: string };
    return `a ${t.dtype} tensor of shape [${t.shape.join(',')}]`;
  }
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return `an object with keys {${Object.keys(value).join(', ')}}`;
  return typeof value;
}
