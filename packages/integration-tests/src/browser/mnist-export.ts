/**
 * For the browser suites that load an export: the MNIST model_fn trained 2 steps in Node on seeded pixels, exported
 * with the example's serving input (`image`, float32 [-1, 784]), and estimator.predict's probabilities for a probe
 * batch — the reference a page must reproduce.
 */
import { join } from 'node:path';
import { Estimator, RunConfig } from '@estimatorjs/estimator';
import { type ExportFormat, exportSavedModel, placeholder } from '@estimatorjs/export';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { mnistModelFn } from 'mnist-example';

/** n images of seeded pixels in [0, 1) (LCG). */
export function pixels(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n * 784 }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

/** Trains, exports into `work/export` and predicts `n` probe images; returns the export dir, probe and reference. */
export async function trainedMnistExport(
  work: string,
  formats: readonly ExportFormat[],
  n: number,
): Promise<{ dir: string; probe: Float32Array; expected: Float32Array }> {
  await setupTestBackend('cpu');
  const estimator = new Estimator({
    modelFn: mnistModelFn,
    config: new RunConfig({ modelDir: join(work, 'model'), randomSeed: 1 }),
    params: { learning_rate: 0.002, dropout_rate: 0.5 },
    log: () => {},
  });
  try {
    const train = pixels(16, 5);
    await estimator.train(
      async function* () {
        for (let i = 0; i < 2; i++) {
          yield [
            tf.tensor4d(train.subarray(i * 8 * 784, (i + 1) * 8 * 784), [8, 28, 28, 1]),
            tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'),
          ] as const;
        }
      },
      { steps: 2 },
    );
    const dir = await exportSavedModel(
      estimator,
      join(work, 'export'),
      () => {
        const image = placeholder({ dtype: 'float32', shape: [null, 784] });
        return { features: image, receiverTensors: { image } };
      },
      { formats },
    );
    const probe = pixels(n, 9);
    const got: number[] = [];
    for await (const p of estimator.predict(async function* () {
      yield tf.tensor2d(probe, [n, 784]);
    })) {
      got.push(...(p as { probabilities: Float32Array }).probabilities);
    }
    return { dir, probe, expected: Float32Array.from(got) };
  } finally {
    estimator.dispose();
  }
}
