/**
 * `pnpm mnist:export`: exports the trained model for serving (TF's `export_savedmodel` with a raw receiver), then
 * copies the newest export to the directory the user named, as a GraphModel (`graph_model/`) and/or `model.onnx`.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Estimator, ServingInputReceiver } from '@estimatorjs/estimator';
import { type ExportFormat, exportSavedModel, placeholder } from '@estimatorjs/export';

/** The example's serving input: one `image` input, float32 [batch, 784], pixels in [0, 1] as the input_fn feeds them. */
export function mnistServingInputReceiverFn(): ServingInputReceiver {
  const image = placeholder({ dtype: 'float32', shape: [null, 784] });
  return { features: image, receiverTensors: { image } };
}

/** What each format puts directly under the export directory. */
const ENTRIES: Readonly<Record<ExportFormat, string>> = { graph_model: 'graph_model', onnx: 'model.onnx' };

/**
 * Exports into `modelDir/export/<unix seconds>/` (kept, as TF keeps its timestamped exports), then copies the newest
 * one to `exportDir` (`exportDir/graph_model/model.json`, `exportDir/model.onnx`, `exportDir/export.json`). Each entry
 * is copied beside its final name and renamed into place. Returns the timestamped export directory.
 */
export async function exportMnist<P>(
  estimator: Estimator<P>,
  exportDir: string,
  formats: readonly ExportFormat[],
): Promise<string> {
  const versioned = await exportSavedModel(
    estimator,
    join(estimator.modelDir, 'export', 'cli'),
    mnistServingInputReceiverFn,
    {
      formats,
    },
  );
  mkdirSync(exportDir, { recursive: true });
  for (const entry of [...formats.map((f) => ENTRIES[f]), 'export.json']) {
    const from = join(versioned, entry);
    if (!existsSync(from)) continue;
    const to = join(exportDir, entry);
    const tmp = join(exportDir, `.${entry}.tmp-${process.pid}`);
    rmSync(tmp, { recursive: true, force: true });
    cpSync(from, tmp, { recursive: true });
    rmSync(to, { recursive: true, force: true });
    renameSync(tmp, to);
  }
  return versioned;
}
