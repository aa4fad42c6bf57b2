import { ExportError } from '@estimatorjs/estimator';
import { describe, expect, it } from 'vitest';
import { buildExport, exportSavedModel } from './export-saved-model.js';
import { writeGraphModel } from './graph-model/write-graph-model.js';
import { writeOnnx } from './onnx/write-onnx.js';
import { buildRawServingInputReceiverFn } from './serving-input-receivers.js';

async function errorOf(fn: () => unknown): Promise<ExportError> {
  try {
    await fn();
  } catch (e) {
    return e as ExportError;
  }
  throw new Error('expected an error');
}

// The key check comes first, so no estimator or traced graph is needed to reach it.
const receiverFn = buildRawServingInputReceiverFn({ x: { dtype: 'float32', shape: [null, 2] } });

describe('options objects refuse unknown keys, naming the nearest known one', () => {
  const cases: [string, () => unknown, string, RegExp][] = [
    [
      'exportSavedModel',
      () => exportSavedModel({} as never, '/tmp/never', receiverFn, { format: ['onnx'] } as never),
      'UNKNOWN_OPTION',
      /^exportSavedModel\(\): unknown option "format"\. Did you mean "formats"\? Known options: "formats", "checkpointPath", "signatureKey", "now", "onStage"\.$/,
    ],
    [
      'exportSavedModel (snake_case)',
      () => exportSavedModel({} as never, '/tmp/never', receiverFn, { checkpoint_path: 'ckpt' } as never),
      'UNKNOWN_OPTION',
      /^exportSavedModel\(\): unknown option "checkpoint_path"\. Did you mean "checkpointPath"\?/,
    ],
    [
      'buildExport',
      () => buildExport({} as never, receiverFn, { signature_key: 'serve' } as never),
      'UNKNOWN_OPTION',
      /^buildExport\(\): unknown option "signature_key"\. Did you mean "signatureKey"\?/,
    ],
    [
      'writeGraphModel',
      () => writeGraphModel({} as never, { signature: 'serve' } as never),
      'UNKNOWN_OPTION',
      /^writeGraphModel\(\): unknown option "signature"\. Did you mean "signatureKey"\? Known options: "signatureKey"\.$/,
    ],
    [
      'writeOnnx',
      () => writeOnnx({} as never, { signatureKey: 'serve' } as never),
      'UNKNOWN_OPTION',
      /^writeOnnx\(\): unknown option "signatureKey"\. Did you mean "signature"\?/,
    ],
    [
      'buildRawServingInputReceiverFn',
      () => buildRawServingInputReceiverFn({ x: { dtype: 'float32', shap: [null, 2] } as never }),
      'UNKNOWN_OPTION',
      /^buildRawServingInputReceiverFn\(\): feature "x": unknown option "shap"\. Did you mean "shape"\?/,
    ],
    [
      'a spec that is not an object',
      () => buildRawServingInputReceiverFn({ x: 'float32' as never }),
      'EXPORT_INVALID_RECEIVER',
      /^buildRawServingInputReceiverFn\(\): feature "x": options must be an object\. Received "float32"\.$/,
    ],
  ];
  it.each(cases)('%s', async (_name, fn, code, message) => {
    const e = await errorOf(fn);
    expect(e).toBeInstanceOf(ExportError);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });
});
