import { ConfigError } from '../errors.js';

/**
 * The checkpoint prefix (`model.ckpt-300`) of a `checkpointPath` option: a bare prefix, or a path inside the model
 * directory as `Estimator.latestCheckpoint()` returns it (`<modelDir>/model.ckpt-300`, as in TF). `join` is the
 * platform's path join, so `./dir/x` and `dir/x` name the same checkpoint.
 */
export function checkpointPrefix(
  api: string,
  modelDir: string,
  path: string | undefined,
  join: (dir: string, name: string) => string,
): string | undefined {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || path === '') {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `${api}: checkpointPath must be a non-empty string. Received ${String(path)}.`,
    );
  }
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return path;
  const prefix = path.slice(cut + 1);
  if (prefix !== '' && join(modelDir, prefix) === join(path.slice(0, cut) || '/', prefix)) return prefix;
  throw new ConfigError(
    'UNSAFE_NAME',
    `${api}: checkpointPath must name a checkpoint in the model directory ${modelDir} (e.g. "model.ckpt-300" or the path latestCheckpoint() returns). Received ${JSON.stringify(path)}.`,
  );
}
