/**
 * The writers an export can run, keyed by format. Each writes its files (relative paths) through `out`, and must
 * throw before writing anything it cannot map: the exporter removes the temporary directory on any error.
 */
import type { TracedGraph } from '@estimatorjs/estimator';
import { writeGraphModel } from './graph-model/write-graph-model.js';
import { writeOnnx } from './onnx/write-onnx.js';

/** Export formats: a tfjs GraphModel (`graph_model/`) and ONNX (`model.onnx`). */
export type ExportFormat = 'graph_model' | 'onnx';

/** Where a writer puts its files: paths are relative to the export directory. */
export interface ExportOutput {
  writeFile(relativePath: string, data: Uint8Array | string): Promise<void>;
}

/** One format's writer. Returns the path (relative) of its main file, recorded in export.json. */
export type FormatWriter = (
  graph: TracedGraph,
  out: ExportOutput,
  options: { readonly signatureKey: string },
) => Promise<string>;

/** tfjs' default shard size (4 MiB), so browsers fetch weights in cacheable pieces as with tfjs-converter output. */
const SHARD_BYTES = 4 * 1024 * 1024;

const graphModelWriter: FormatWriter = async (graph, out, { signatureKey }) => {
  const { modelJson, weightSpecs, weightData } = writeGraphModel(graph, { signatureKey });
  const count = Math.max(1, Math.ceil(weightData.length / SHARD_BYTES));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `group1-shard${i + 1}of${count}.bin`;
    paths.push(name);
    await out.writeFile(`graph_model/${name}`, weightData.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
  }
  const json = { ...modelJson, weightsManifest: [{ paths, weights: weightSpecs }] };
  await out.writeFile('graph_model/model.json', JSON.stringify(json));
  return 'graph_model/model.json';
};

const onnxWriter: FormatWriter = async (graph, out, { signatureKey }) => {
  await out.writeFile('model.onnx', writeOnnx(graph, { signature: signatureKey }));
  return 'model.onnx';
};

/** The writer of each export format, by format name (`graph_model`, `onnx`). */
export const WRITERS: Readonly<Record<ExportFormat, FormatWriter>> = {
  graph_model: graphModelWriter,
  onnx: onnxWriter,
};
