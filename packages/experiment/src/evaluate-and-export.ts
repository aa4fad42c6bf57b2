/** One evaluation of a checkpoint followed by every exporter: shared by trainAndEvaluate and continuous evaluation. */
import type { Estimator, EvalResults } from '@estimatorjs/estimator';
import { recordEvalResults } from './eval-history.js';
import type { ExportStore } from './export-store.js';
import type { EvalSpec } from './specs.js';

/** Results of one evaluation and its exports (TF's `(eval_result, export_results)`). */
export interface EvalAndExportResult {
  readonly evalResult: EvalResults;
  /** The directories exported to, in exporter order (exporters that declined are left out). */
  readonly exportResults: readonly string[];
}

export async function evaluateAndExport<P>(
  estimator: Estimator<P>,
  evalSpec: EvalSpec<P>,
  checkpointPath: string,
  isTheFinalExport: boolean,
  exportStore: ExportStore | undefined,
): Promise<EvalAndExportResult> {
  const evalResult = await estimator.evaluate(evalSpec.inputFn, {
    ...(evalSpec.steps !== null ? { steps: evalSpec.steps } : {}),
    hooks: evalSpec.hooks,
    checkpointPath,
    ...(evalSpec.name !== undefined ? { name: evalSpec.name } : {}),
  });
  recordEvalResults(estimator, evalResult, evalSpec.name);
  const exportResults: string[] = [];
  for (const exporter of evalSpec.exporters) {
    const dir = await exporter.export({
      estimator,
      exportPath: `${estimator.modelDir.replace(/[\\/]+$/, '')}/export/${exporter.name}`,
      checkpointPath,
      evalResult,
      isTheFinalExport,
      ...(exportStore ? { store: exportStore } : {}),
    });
    if (dir !== null) exportResults.push(dir);
  }
  return { evalResult, exportResults };
}
