import type { ExportStore } from './export-store.js';
import {
  checkExporterName,
  checkKeep,
  type ExportContext,
  type Exporter,
  type ExporterOptions,
  garbageCollectExports,
  storeFor,
  writeExport,
} from './exporter.js';

/** Options of {@link LatestExporter}. */
export interface LatestExporterOptions extends ExporterOptions {
  /** How many of the newest exports to keep; default 5; null keeps all. */
  readonly exportsToKeep?: number | null;
}

/**
 * Exports after every evaluation and keeps the newest `exportsToKeep` (TF's `LatestExporter`).
 * @example
 *   new EvalSpec({ inputFn, exporters: [new LatestExporter({ name: 'latest', exportsToKeep: 3 })] })
 */
export class LatestExporter implements Exporter {
  readonly name: string;
  private readonly keep: number | null;
  /** The store given to the constructor, if any. */
  readonly store: ExportStore | undefined;

  constructor(private readonly options: LatestExporterOptions) {
    checkExporterName('new LatestExporter()', options?.name);
    this.name = options.name;
    this.keep = checkKeep('new LatestExporter()', options.exportsToKeep);
    this.store = options.store;
  }

  async export(ctx: ExportContext): Promise<string> {
    const store = storeFor('LatestExporter', this.store, ctx);
    const dir = await writeExport(store, ctx, this.name, this.options);
    await garbageCollectExports(store, ctx.exportPath, this.keep);
    return dir;
  }
}
