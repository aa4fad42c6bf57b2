import type { ExportStore } from './export-store.js';
import {
  checkExporterName,
  type ExportContext,
  type Exporter,
  type ExporterOptions,
  storeFor,
  writeExport,
} from './exporter.js';

/**
 * Exports only the model at the end of training (TF's `FinalExporter`).
 * @example
 *   new EvalSpec({ inputFn, exporters: [new FinalExporter({ name: 'final' })] })
 */
export class FinalExporter implements Exporter {
  readonly name: string;
  /** The store given to the constructor, if any. */
  readonly store: ExportStore | undefined;

  constructor(private readonly options: ExporterOptions) {
    checkExporterName('new FinalExporter()', options?.name);
    this.name = options.name;
    this.store = options.store;
  }

  async export(ctx: ExportContext): Promise<string | null> {
    if (!ctx.isTheFinalExport) return null;
    return writeExport(storeFor('FinalExporter', this.store, ctx), ctx, this.name, this.options);
  }
}
