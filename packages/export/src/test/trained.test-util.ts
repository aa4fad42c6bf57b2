import { registerWasmTrainingKernels } from '@estimatorjs/backends';
import { Estimator, type ModelFn, RunConfig } from '@estimatorjs/estimator';
import type { TestBackend } from '@estimatorjs/testing';
import { makeRows, rowsInputFn } from './data.test-util.js';

/** A test model trained 4 steps (batches of 16, seeded) on `backend`, its checkpoints in `modelDir`. */
export async function trainTestModel(
  modelFn: ModelFn,
  modelDir: string,
  width: number,
  backend: TestBackend,
): Promise<Estimator> {
  if (backend === 'wasm') registerWasmTrainingKernels();
  const est = new Estimator({ modelFn, config: new RunConfig({ modelDir, randomSeed: 3 }), log: () => {} });
  await est.train(rowsInputFn(makeRows(64, width, 5), width, 16), { steps: 4 });
  return est;
}
