/**
 * The exporter contract (TF's `tf.estimator.Exporter`) and writing one export: the evaluated checkpoint's files, a
 * `checkpoint` state file naming it (so the export directory is itself a model directory an Estimator can predict
 * from), and `export.json` describing it. Owns: the export layout and garbage collection. Does not own: when to
 * export (the exporters) or where bytes go (the ExportStore).
 */
import {
  type Estimator,
  type EvalResults,
  formatCheckpointState,
  listVariables,
  type ModelDirStorage,
  type ServingInputReceiverFn,
} from '@estimatorjs/estimator';
import { buildExport, type ExportFormat } from '@estimatorjs/export';
import { ExperimentError } from './errors.js';
import type { ExportStore } from './export-store.js';

/** What an exporter gets after each evaluation. */
export interface ExportContext {
  readonly estimator: {
    readonly modelDir: string;
    readonly storage: ModelDirStorage;
    /** Present on a real Estimator: serving exports trace it. */
    readonly traceForExport?: Estimator<unknown>['traceForExport'];
  };
  /** `modelDir/export/<exporter name>`. */
  readonly exportPath: string;
  /** The evaluated checkpoint's prefix, e.g. `model.ckpt-300`. */
  readonly checkpointPath: string;
  readonly evalResult: EvalResults;
  /** True for the evaluation after training reached its last step. */
  readonly isTheFinalExport: boolean;
  /** Where to write, unless the exporter was given its own store. */
  readonly store?: ExportStore;
}

/** Decides whether and how to export after an evaluation (TF's `Exporter`). */
export interface Exporter {
  /** The directory name under `modelDir/export/`. */
  readonly name: string;
  /** Exports (or not); returns the export directory, or null when nothing was exported. */
  export(ctx: ExportContext): Promise<string | null>;
}

/** The JSON file written into each export directory. */
export interface ExportDescription {
  readonly format: 'estimatorjs-export';
  readonly version: 1;
  readonly exporter: string;
  readonly globalStep: number;
  /** The checkpoint prefix inside the export directory. */
  readonly checkpoint: string;
  readonly createdAt: number;
  readonly evalResult: Readonly<Record<string, number>>;
  /** Every variable of the checkpoint with its shape: the model's signature as far as weights go. */
  readonly variables: readonly (readonly [string, readonly number[]])[];
  /** Whatever the exporter was given as `metadata` (e.g. input and output names and shapes). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/** The export description file's name. */
export const EXPORT_DESCRIPTION_FILE = 'export.json';

/** Options every built-in exporter takes. */
export interface ExporterOptions {
  /** Directory name under `modelDir/export/`. */
  readonly name: string;
  /** Where to write; default the store given to `trainAndEvaluate` / `continuousEvaluate`. */
  readonly store?: ExportStore;
  /** Extra JSON written into `export.json` (input and output names, shapes, preprocessing, ...). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * TF's `serving_input_receiver_fn`: with it, each export is a servable model (`graph_model/model.json` + shards,
   * `export.json` with the signatures) in `<exportPath>/<unix seconds>/`, written by `@estimatorjs/export`.
   * Without it, an export is a copy of the evaluated checkpoint in `<exportPath>/<global step>/`.
   */
  readonly servingInputReceiverFn?: ServingInputReceiverFn;
  /** Formats of a serving export; default `['graph_model']`. */
  readonly formats?: readonly ExportFormat[];
  /** The clock for serving export directory names (seconds); default `Date.now() / 1000`. */
  readonly now?: () => number;
}

export function checkExporterName(api: string, name: unknown): void {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name) || name === '.' || name === '..') {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `${api}: name must be letters, digits, '_', '.' or '-'. Received ${JSON.stringify(name)}.`,
    );
  }
}

export function storeFor(api: string, own: ExportStore | undefined, ctx: ExportContext): ExportStore {
  const store = own ?? ctx.store;
  if (!store) {
    throw new ExperimentError(
      'NO_EXPORT_STORE',
      `${api}: no export store. In Node pass { exportStore: fileExportStore } from '@estimatorjs/experiment/node' to trainAndEvaluate(); elsewhere new MemoryExportStore().`,
    );
  }
  return store;
}

/**
 * Writes one export: a serving export when the exporter has a `servingInputReceiverFn`, else a checkpoint copy.
 * Returns the export directory.
 */
export async function writeExport(
  store: ExportStore,
  ctx: ExportContext,
  exporter: string,
  options: Pick<ExporterOptions, 'metadata' | 'servingInputReceiverFn' | 'formats' | 'now'> = {},
): Promise<string> {
  return options.servingInputReceiverFn
    ? writeServingExport(store, ctx, exporter, options.servingInputReceiverFn, options)
    : writeCheckpointExport(store, ctx, exporter, options.metadata);
}

/**
 * A servable export of `ctx.checkpointPath` in `<exportPath>/<unix seconds>` (TF's exporters call
 * `export_savedmodel`). Names only ever increase, so the oldest export sorts first even within one second.
 */
async function writeServingExport(
  store: ExportStore,
  ctx: ExportContext,
  exporter: string,
  receiverFn: ServingInputReceiverFn,
  options: Pick<ExporterOptions, 'metadata' | 'formats' | 'now'>,
): Promise<string> {
  if (typeof ctx.estimator.traceForExport !== 'function') {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `${exporter}: a serving export needs the Estimator itself (its traceForExport()); received an object without it.`,
    );
  }
  const { globalStep, ...metrics } = ctx.evalResult;
  const built = await buildExport(ctx.estimator as Estimator<unknown>, receiverFn, {
    checkpointPath: ctx.checkpointPath,
    ...(options.formats ? { formats: options.formats } : {}),
    extra: {
      exporter,
      checkpoint: ctx.checkpointPath,
      createdAt: Date.now(),
      evalResult: metrics,
      variables: await listVariables(ctx.estimator.storage, ctx.checkpointPath),
      ...(options.metadata ? { metadata: options.metadata } : {}),
    },
  });
  if (built.manifest.globalStep !== globalStep) {
    throw new ExperimentError(
      'CHECKPOINT_NOT_FOUND',
      `${exporter}: evaluated step ${globalStep} but the export traced step ${built.manifest.globalStep}; the checkpoint changed during the export.`,
    );
  }
  const existing = await listExports(store, ctx.exportPath);
  const secs = Math.max(Math.floor((options.now ?? (() => Date.now() / 1000))()), (existing.at(-1) ?? 0) + 1);
  const dir = `${ctx.exportPath}/${secs}`;
  await store.writeDir(dir, built.files);
  return dir;
}

/** Writes one checkpoint-copy export of `ctx.checkpointPath` into `<exportPath>/<global step>`. */
async function writeCheckpointExport(
  store: ExportStore,
  ctx: ExportContext,
  exporter: string,
  metadata?: Readonly<Record<string, unknown>>,
): Promise<string> {
  const { storage } = ctx.estimator;
  const prefix = ctx.checkpointPath;
  const names = (await storage.list()).filter((n) => n.startsWith(`${prefix}.`));
  if (names.length === 0) {
    throw new ExperimentError(
      'CHECKPOINT_NOT_FOUND',
      `${exporter}: checkpoint ${prefix} is not in ${storage.location}; it may have been deleted by keepCheckpointMax before the export.`,
    );
  }
  const files = new Map<string, Uint8Array | string>();
  for (const n of names) {
    const bytes = await storage.read(n);
    if (bytes === null) {
      throw new ExperimentError(
        'CHECKPOINT_NOT_FOUND',
        `${exporter}: ${storage.location}/${n} disappeared during the export of ${prefix}.`,
      );
    }
    files.set(n, bytes);
  }
  files.set('checkpoint', formatCheckpointState({ modelCheckpointPath: prefix, allModelCheckpointPaths: [prefix] }));
  const { globalStep, ...metrics } = ctx.evalResult;
  const description: ExportDescription = {
    format: 'estimatorjs-export',
    version: 1,
    exporter,
    globalStep,
    checkpoint: prefix,
    createdAt: Date.now(),
    evalResult: metrics,
    variables: await listVariables(storage, prefix),
    ...(metadata ? { metadata } : {}),
  };
  files.set(EXPORT_DESCRIPTION_FILE, `${JSON.stringify(description, null, 2)}\n`);
  const dir = `${ctx.exportPath}/${globalStep}`;
  await store.writeDir(dir, files);
  return dir;
}

/**
 * The export directories under `exportPath` (global steps), oldest first.
 * @example
 *   import { fileExportStore } from '@estimatorjs/experiment/node';
 *   const versions = await listExports(fileExportStore, `${modelDir}/export/best`); // [1796292013, …]
 */
export async function listExports(store: ExportStore, exportPath: string): Promise<number[]> {
  return (await store.listDirs(exportPath))
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Reads an export's description, or null when it has none (not an export, or written by something else).
 * @example
 *   import { fileExportStore } from '@estimatorjs/experiment/node';
 *   const description = await readExportDescription(fileExportStore, `${modelDir}/export/best/1796292013`);
 */
export async function readExportDescription(store: ExportStore, dir: string): Promise<ExportDescription | null> {
  const bytes = await store.readFile(dir, EXPORT_DESCRIPTION_FILE);
  if (bytes === null) return null;
  try {
    const d = JSON.parse(new TextDecoder().decode(bytes)) as ExportDescription;
    return d?.format === 'estimatorjs-export' ? d : null;
  } catch {
    return null;
  }
}

/** Deletes the oldest exports beyond `keep` (TF's exporter garbage collection). */
export async function garbageCollectExports(
  store: ExportStore,
  exportPath: string,
  keep: number | null,
): Promise<void> {
  if (keep === null) return;
  const steps = await listExports(store, exportPath);
  for (const step of steps.slice(0, Math.max(0, steps.length - keep))) await store.removeDir(`${exportPath}/${step}`);
}

export function checkKeep(api: string, keep: number | null | undefined): number | null {
  const k = keep === undefined ? 5 : keep;
  if (k !== null && !(Number.isInteger(k) && k > 0)) {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `${api}: exportsToKeep must be an integer > 0 or null (keep all). Received ${String(keep)}.`,
    );
  }
  return k;
}
