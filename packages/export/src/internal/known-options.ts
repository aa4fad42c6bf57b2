/**
 * The option names each public options object of @estimatorjs/export accepts, one list per interface, held by
 * `keysOf` so the compiler refuses a list that misses a field. Owns: refusing unknown option keys (`signature_key`
 * names `signatureKey`) so a misspelled option is never silently ignored. Does not own: checking the options' values.
 */
import { checkKnownKeys, keysOf } from '@estimatorjs/errors';
import { ExportError } from '../export-error.js';
import type { BuildExportOptions, ExportSavedModelOptions } from '../export-saved-model.js';
import type { WriteGraphModelOptions } from '../graph-model/write-graph-model.js';
import type { WriteOnnxOptions } from '../onnx/write-onnx.js';
import type { RawFeatureSpec } from '../serving-input-receivers.js';

export const KNOWN_OPTIONS = {
  exportSavedModel: keysOf<ExportSavedModelOptions>()(['formats', 'checkpointPath', 'signatureKey', 'now', 'onStage']),
  buildExport: keysOf<BuildExportOptions>()(['formats', 'checkpointPath', 'signatureKey', 'extra']),
  writeGraphModel: keysOf<WriteGraphModelOptions>()(['signatureKey']),
  writeOnnx: keysOf<WriteOnnxOptions>()(['signature', 'producerVersion']),
  rawFeatureSpec: keysOf<RawFeatureSpec>()(['dtype', 'shape']),
} as const;

/**
 * Throws one ExportError unless `options` is undefined or an object holding only `known` keys; the message names the
 * API, the key and the nearest known one. Codes: `UNKNOWN_OPTION`, `invalidCode` (not an object; default
 * `EXPORT_INVALID_ARGUMENT`).
 */
export function checkOptionKeys(
  api: string,
  options: unknown,
  known: readonly string[],
  invalidCode = 'EXPORT_INVALID_ARGUMENT',
): void {
  checkKnownKeys(
    api,
    options,
    known,
    (code, message) => new ExportError(code === 'INVALID_OPTIONS' ? invalidCode : code, message),
  );
}
