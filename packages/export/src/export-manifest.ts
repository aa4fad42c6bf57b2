import type { TracedDType, TracedGraph } from '@estimatorjs/estimator';
import type { ExportFormat } from './writers.js';

/** One signature tensor as export.json lists it. */
export interface ManifestTensor {
  /** The name the runtime uses: the signature key (GraphModel `execute({ [key]: … })`, ONNX input/output name). */
  readonly name: string;
  readonly dtype: TracedDType;
  /** -1 is the dynamic batch dimension. */
  readonly shape: readonly number[];
}

/** The manifest's file name in every export directory. */
export const EXPORT_MANIFEST_FILE = 'export.json';

/** `export.json`: what an export holds, for serving code and the exporters. */
export interface ExportManifest {
  readonly format: 'estimatorjs-export';
  readonly version: 1;
  readonly globalStep: number;
  /** The checkpoint the weights came from. */
  readonly checkpointPath: string;
  /** Format → main file, relative to the export directory. */
  readonly files: Partial<Record<ExportFormat, string>>;
  readonly signatures: Readonly<
    Record<
      string,
      { readonly methodName: string; readonly inputs: ManifestTensor[]; readonly outputs: ManifestTensor[] }
    >
  >;
}

/** Builds export.json from the traced graph and the files the writers wrote. */
export function buildManifest(graph: TracedGraph, files: Partial<Record<ExportFormat, string>>): ExportManifest {
  const tensor = (name: string, id: number): ManifestTensor => {
    const t = graph.tensors.get(id)!;
    return { name, dtype: t.dtype, shape: [...t.shape] };
  };
  const signatures: Record<string, { methodName: string; inputs: ManifestTensor[]; outputs: ManifestTensor[] }> = {};
  for (const [key, s] of Object.entries(graph.signatures)) {
    signatures[key] = {
      methodName: s.methodName,
      inputs: Object.entries(s.inputs).map(([k, id]) => tensor(k, id)),
      outputs: Object.entries(s.outputs).map(([k, id]) => tensor(k, id)),
    };
  }
  return {
    format: 'estimatorjs-export',
    version: 1,
    globalStep: graph.globalStep,
    checkpointPath: graph.checkpointPath,
    files,
    signatures,
  };
}
