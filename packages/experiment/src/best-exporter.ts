import type { EvalResults } from '@estimatorjs/estimator';
import { ExperimentError } from './errors.js';
import type { ExportStore } from './export-store.js';
import {
  checkExporterName,
  checkKeep,
  type ExportContext,
  type Exporter,
  type ExporterOptions,
  garbageCollectExports,
  listExports,
  readExportDescription,
  storeFor,
  writeExport,
} from './exporter.js';

/** Options of {@link BestExporter}. */
export interface BestExporterOptions extends Partial<ExporterOptions> {
  /** The metric to compare; default `'loss'`. */
  readonly metric?: string;
  /** Whether a higher metric is better (accuracy) or a lower one (loss, the default). */
  readonly higherIsBetter?: boolean;
  /** Or a full comparison: true when `current` is better than `best` (TF's `compare_fn`). */
  readonly compareFn?: (best: Readonly<Record<string, number>>, current: Readonly<Record<string, number>>) => boolean;
  /** How many of the best exports to keep; default 5; null keeps all. */
  readonly exportsToKeep?: number | null;
}

/**
 * Exports when an evaluation beats every earlier one on a metric, and keeps the best `exportsToKeep` (TF's
 * `BestExporter`). The best so far is read back from the existing exports' `export.json`, so a restarted job
 * continues to compare against it.
 * @example
 *   new BestExporter({ name: 'best', metric: 'accuracy', higherIsBetter: true, exportsToKeep: 3 })
 */
export class BestExporter implements Exporter {
  readonly name: string;
  private readonly keep: number | null;
  /** The store given to the constructor, if any. */
  readonly store: ExportStore | undefined;
  private readonly better: (
    best: Readonly<Record<string, number>>,
    current: Readonly<Record<string, number>>,
  ) => boolean;
  private best: Readonly<Record<string, number>> | null = null;
  private loaded = false;

  constructor(private readonly options: BestExporterOptions = {}) {
    const name = options.name ?? 'best_exporter';
    checkExporterName('new BestExporter()', name);
    this.name = name;
    this.keep = checkKeep('new BestExporter()', options.exportsToKeep);
    this.store = options.store;
    const metric = options.metric ?? 'loss';
    const higher = options.higherIsBetter ?? false;
    this.better =
      options.compareFn ??
      ((best, current) => {
        const b = best[metric];
        const c = current[metric];
        if (typeof c !== 'number' || typeof b !== 'number') {
          throw new ExperimentError(
            'UNKNOWN_METRIC',
            `BestExporter: metric ${JSON.stringify(metric)} is not in the eval results; expected one of ${Object.keys(typeof c === 'number' ? best : current).join(', ')}.`,
          );
        }
        return higher ? c > b : c < b;
      });
  }

  /** The eval result of the best export so far, or null. */
  get bestEvalResult(): Readonly<Record<string, number>> | null {
    return this.best;
  }

  async export(ctx: ExportContext): Promise<string | null> {
    const store = storeFor('BestExporter', this.store, ctx);
    if (!this.loaded) {
      await this.loadBest(store, ctx.exportPath);
      this.loaded = true;
    }
    const current = metricsOf(ctx.evalResult);
    if (this.best !== null && !this.better(this.best, current)) return null;
    const dir = await writeExport(store, ctx, this.name, this.options);
    this.best = current;
    await garbageCollectExports(store, ctx.exportPath, this.keep);
    return dir;
  }

  private async loadBest(store: ExportStore, exportPath: string): Promise<void> {
    for (const step of await listExports(store, exportPath)) {
      const d = await readExportDescription(store, `${exportPath}/${step}`);
      if (!d) continue;
      const r = { ...d.evalResult, global_step: d.globalStep };
      if (this.best === null || this.better(this.best, r)) this.best = r;
    }
  }
}

function metricsOf(r: EvalResults): Readonly<Record<string, number>> {
  const { globalStep, ...rest } = r;
  return { ...rest, global_step: globalStep };
}
