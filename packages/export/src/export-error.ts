import { ExportError } from '@estimatorjs/estimator';

export { ExportError };

/** The one error for a kernel a writer cannot map: names the op, the layer scope and the format. */
export function unsupportedOp(format: string, kernel: string, scope: string, why?: string): ExportError {
  return new ExportError(
    'EXPORT_UNSUPPORTED_OP',
    `exportSavedModel(): the ${format} writer cannot export kernel ${kernel} (layer scope "${scope || '<top level>'}")${why ? `: ${why}` : ''}. Rewrite that part of the model_fn with supported ops (see docs/export.md), or export another format.`,
  );
}
