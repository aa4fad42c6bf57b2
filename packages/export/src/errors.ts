import { EstimatorError } from '@estimatorjs/errors';

/**
 * Thrown when a model cannot be exported. Codes: `EXPORT_UNSUPPORTED_OP` (a kernel the writer cannot map; the
 * message names the op and its layer scope), `EXPORT_UNSUPPORTED_INPUT` (an input the format cannot take, e.g.
 * serialized tf.Example strings in ONNX), `EXPORT_INVALID_GRAPH` (a traced graph that breaks its invariants).
 */
export class ExportError extends EstimatorError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ExportError';
  }
}
