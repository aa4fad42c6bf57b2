/**
 * `exportSavedModel()` (TF's `estimator.export_savedmodel`): trace, write every format into a temporary directory,
 * then rename it to `exportDirBase/<unix seconds>/`, so a reader (or a crash) sees no export or a complete one.
 * Owns: the directory protocol and export.json. Does not own: tracing (the Estimator) or formats (writers.ts).
 */
import { DEFAULT_SERVING_SIGNATURE_KEY, type Estimator, type ServingInputReceiverFn } from '@estimatorjs/estimator';
import { fileSystem } from '#export-fs';
import { ExportError } from './export-error.js';
import { buildManifest, EXPORT_MANIFEST_FILE, type ExportManifest } from './export-manifest.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { type ExportFormat, WRITERS } from './writers.js';

/** Options of {@link exportSavedModel}. */
export interface ExportSavedModelOptions {
  /** Default `['graph_model']`. */
  readonly formats?: readonly ExportFormat[];
  /** A checkpoint prefix or the path `estimator.latestCheckpoint()` returns (default: the latest). */
  readonly checkpointPath?: string;
  /** The signature written as the GraphModel's `signature` (default `serving_default`). */
  readonly signatureKey?: string;
  /** The clock for the directory name (seconds); default `Date.now() / 1000`. */
  readonly now?: () => number;
  /**
   * Called when every file is written and flushed in the temporary directory (`'written'`) and after the rename
   * (`'renamed'`): for progress logs, and for tests that stop a process at a known point.
   */
  readonly onStage?: (stage: 'written' | 'renamed', dir: string) => void | Promise<void>;
}

/** The prefix of in-progress export directories; exporters and readers skip them. */
export const TEMP_EXPORT_PREFIX = 'temp-';

const API = 'exportSavedModel()';

/** An export in memory: its files (paths relative to the export directory) and manifest. */
export interface BuiltExport {
  readonly files: ReadonlyMap<string, Uint8Array | string>;
  readonly manifest: ExportManifest;
}

/** Options of {@link buildExport}. */
export type BuildExportOptions = Pick<ExportSavedModelOptions, 'formats' | 'checkpointPath' | 'signatureKey'> & {
  /** Extra fields for export.json (the exporters add their name and eval results). */
  readonly extra?: Readonly<Record<string, unknown>>;
};

/**
 * Traces the estimator and runs every format's writer into memory: what {@link exportSavedModel} writes, for
 * callers with their own storage (the experiment's exporters write it through an ExportStore).
 * @example
 *   const built = await buildExport(estimator, buildRawServingInputReceiverFn({ x: { dtype: 'float32', shape: [null, 2] } }));
 */
export async function buildExport<P>(
  estimator: Estimator<P>,
  servingInputReceiverFn: ServingInputReceiverFn,
  options: BuildExportOptions = {},
): Promise<BuiltExport> {
  checkOptionKeys('buildExport()', options, KNOWN_OPTIONS.buildExport);
  if (typeof (estimator as { traceForExport?: unknown })?.traceForExport !== 'function') {
    throw new ExportError(
      'EXPORT_INVALID_ARGUMENT',
      `${API}: the first argument must be an Estimator. Received ${typeof estimator}.`,
    );
  }
  const formats: readonly ExportFormat[] = options.formats ?? ['graph_model'];
  if (!Array.isArray(formats as unknown) || formats.length === 0 || !formats.every((f) => f in WRITERS)) {
    throw new ExportError(
      'EXPORT_INVALID_ARGUMENT',
      `${API}: formats must be a non-empty list of ${Object.keys(WRITERS).join(', ')}. Received ${JSON.stringify(formats)}.`,
    );
  }
  const signatureKey = options.signatureKey ?? DEFAULT_SERVING_SIGNATURE_KEY;
  const graph = await estimator.traceForExport(servingInputReceiverFn, {
    ...(options.checkpointPath === undefined ? {} : { checkpointPath: options.checkpointPath }),
  });
  const files = new Map<string, Uint8Array | string>();
  const out = {
    writeFile: async (rel: string, data: Uint8Array | string) => {
      files.set(rel, data);
    },
  };
  const mains: Partial<Record<ExportFormat, string>> = {};
  for (const format of formats) mains[format] = await WRITERS[format](graph, out, { signatureKey });
  const manifest = { ...buildManifest(graph, mains), ...(options.extra ?? {}) } as ExportManifest;
  files.set(EXPORT_MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  return { files, manifest };
}

/**
 * Exports the estimator's latest checkpoint (or `checkpointPath`) for serving and returns the new export
 * directory `exportDirBase/<unix seconds>` holding `graph_model/model.json` + shards and `export.json`.
 * @example
 *   import { loadGraphModel } from '@tensorflow/tfjs-converter';
 *   const dir = await exportSavedModel(estimator, 'exports', buildRawServingInputReceiverFn({
 *     image: { dtype: 'float32', shape: [null, 784] },
 *   }));
 *   const model = await loadGraphModel(`file://${dir}/graph_model/model.json`);
 */
export async function exportSavedModel<P>(
  estimator: Estimator<P>,
  exportDirBase: string,
  servingInputReceiverFn: ServingInputReceiverFn,
  options: ExportSavedModelOptions = {},
): Promise<string> {
  checkOptionKeys(API, options, KNOWN_OPTIONS.exportSavedModel);
  if (typeof exportDirBase !== 'string' || exportDirBase === '') {
    throw new ExportError(
      'EXPORT_INVALID_ARGUMENT',
      `${API}: exportDirBase must be a non-empty directory path. Received ${JSON.stringify(exportDirBase)}.`,
    );
  }
  // Everything that can fail on the model (tracing, an op with no mapping) fails here, before any directory exists.
  const { formats, checkpointPath, signatureKey } = options;
  const { files } = await buildExport(estimator, servingInputReceiverFn, { formats, checkpointPath, signatureKey });
  const fs = fileSystem;
  await fs.mkdirs(exportDirBase);
  const now = options.now ?? (() => Date.now() / 1000);
  let secs = Math.floor(now());
  while (await fs.exists(fs.join(exportDirBase, String(secs)))) secs++;
  const temp = fs.join(exportDirBase, `${TEMP_EXPORT_PREFIX}${secs}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    // export.json last: a directory with it is complete even before the rename.
    for (const [rel, data] of files) if (rel !== EXPORT_MANIFEST_FILE) await fs.writeFile(fs.join(temp, rel), data);
    await fs.writeFile(fs.join(temp, EXPORT_MANIFEST_FILE), files.get(EXPORT_MANIFEST_FILE)!);
    await options.onStage?.('written', temp);
    // Another export may have taken this second meanwhile: move on to the next free one.
    while (await fs.exists(fs.join(exportDirBase, String(secs)))) secs++;
    const final = fs.join(exportDirBase, String(secs));
    await fs.renameDir(temp, final);
    await options.onStage?.('renamed', final);
    return final;
  } catch (e) {
    await fs.remove(temp).catch(() => {});
    throw e;
  }
}
