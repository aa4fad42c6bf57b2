/**
 * Export for serving (TF's `export_savedmodel`): a GraphModel under `<model_dir>/export/<unix seconds>/`. tfjs has no
 * string lookup kernel, so the graph takes island and sex as int32 vocabulary ids; `vocabularies.json` beside the
 * model says which id is which (the caller maps strings to ids, -1 for a missing value).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Estimator, ServingInputReceiver } from '@estimatorjs/estimator';
import { exportSavedModel, placeholder } from '@estimatorjs/export';
import { NUMERIC, SPECIES, VOCABULARIES } from './penguins.js';

/** The serving inputs: one float32 per measurement, one int32 id per categorical column; [batch] each. */
export function servingInputReceiverFn(): ServingInputReceiver {
  const inputs: Record<string, ReturnType<typeof placeholder>> = {};
  for (const key of NUMERIC) inputs[key] = placeholder({ dtype: 'float32', shape: [null] });
  for (const key of Object.keys(VOCABULARIES)) inputs[key] = placeholder({ dtype: 'int32', shape: [null] });
  return { features: inputs, receiverTensors: inputs };
}

/** Exports the latest checkpoint; returns the export directory. */
export async function exportPenguins<P>(estimator: Estimator<P>): Promise<string> {
  const dir = await exportSavedModel(estimator, join(estimator.modelDir, 'export'), servingInputReceiverFn, {
    formats: ['graph_model'],
  });
  writeFileSync(
    join(dir, 'vocabularies.json'),
    `${JSON.stringify({ ...VOCABULARIES, classes: SPECIES, missing: -1 }, null, 2)}\n`,
  );
  return dir;
}
