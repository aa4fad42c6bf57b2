import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Estimator, layers, ModeKeys, type ModelFn, RunConfig, variableScope } from '@estimatorjs/estimator';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSavedModel } from './export-saved-model.js';
import { buildParsingServingInputReceiverFn, buildRawServingInputReceiverFn } from './serving-input-receivers.js';
import { makeRows, rowsInputFn } from './test/data.test-util.js';
import { mlpModelFn } from './test/models.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

const tmp = tempModelDir('export-errors-');
afterAll(() => tmp.cleanup());
const receiver = buildRawServingInputReceiverFn({ x: { dtype: 'float32', shape: [null, 20] } });

/** The MLP, plus `extra` applied to the logits in PREDICT mode only. */
function withPredictExtra(extra: (logits: tf.Tensor) => tf.Tensor): ModelFn {
  return (features, labels, mode, params, config) => {
    const spec = mlpModelFn(features, labels, mode, params, config) as { mode: string; predictions?: unknown };
    if (mode !== ModeKeys.PREDICT) return spec as never;
    const p = (spec.predictions as Record<string, tf.Tensor>).probabilities!;
    return { mode: 'infer', predictions: { probabilities: variableScope('head', () => extra(p)) } };
  };
}

async function trained(name: string, modelFn: ModelFn): Promise<Estimator> {
  const est = new Estimator({
    modelFn,
    config: new RunConfig({ modelDir: join(tmp.dir, name), randomSeed: 1 }),
    log: () => {},
  });
  await est.train(rowsInputFn(makeRows(32, 20, 2), 20, 16), { steps: 2 });
  return est;
}

describe('exportSavedModel() errors', () => {
  it('an op with no GraphDef mapping is EXPORT_UNSUPPORTED_OP naming the op and the layer scope, and leaves no directory', async () => {
    const est = await trained(
      'unsupported',
      withPredictExtra((p) => tf.sin(p)),
    );
    const base = join(tmp.dir, 'unsupported-export');
    const err = (await exportSavedModel(est, base, receiver).catch((e: unknown) => e)) as { message: string };
    expect(err).toMatchObject({ code: 'EXPORT_UNSUPPORTED_OP' });
    expect(err.message).toContain('kernel Sin');
    expect(err.message).toContain('"head"');
    expect(existsSync(base) ? readdirSync(base) : []).toEqual([]);
    est.dispose();
  });

  it('unseeded dropout in PREDICT mode is EXPORT_RANDOM_OP', async () => {
    const est = await trained(
      'random',
      withPredictExtra((p) => tf.dropout(p, 0.5)),
    );
    await expect(exportSavedModel(est, join(tmp.dir, 'random-export'), receiver)).rejects.toMatchObject({
      code: 'EXPORT_RANDOM_OP',
    });
    expect(existsSync(join(tmp.dir, 'random-export'))).toBe(false);
    est.dispose();
  });

  it('the seeded dropout layer forced on in PREDICT mode is refused, naming dropout', async () => {
    const est = await trained(
      'seeded',
      withPredictExtra((p) => layers.dropout(p, { rate: 0.5, training: true })),
    );
    await expect(exportSavedModel(est, join(tmp.dir, 'seeded-export'), receiver)).rejects.toMatchObject({
      code: 'EXPORT_BATCH_DEPENDENT_CONSTANT',
      message: expect.stringContaining('dropout'),
    });
    est.dispose();
  });

  it('a constant made with the batch size is EXPORT_BATCH_DEPENDENT_CONSTANT', async () => {
    const est = await trained(
      'fill',
      withPredictExtra((p) => tf.add(p, tf.zeros(p.shape))),
    );
    await expect(exportSavedModel(est, join(tmp.dir, 'fill-export'), receiver)).rejects.toMatchObject({
      code: 'EXPORT_BATCH_DEPENDENT_CONSTANT',
    });
    est.dispose();
  });

  it('the parsing receiver is refused for GraphModel (tfjs-converter has no ParseExample)', async () => {
    const est = await trained('parsing', mlpModelFn);
    const fn = buildParsingServingInputReceiverFn({ x: { dtype: 'float32', shape: [null, 20] } });
    await expect(exportSavedModel(est, join(tmp.dir, 'parsing-export'), fn)).rejects.toMatchObject({
      code: 'EXPORT_UNSUPPORTED_OP',
      message: expect.stringContaining('ParseExample'),
    });
    est.dispose();
  });

  it("an op the 'onnx' writer cannot map fails the export with EXPORT_UNSUPPORTED_OP naming the writer, op and scope, and leaves no directory", async () => {
    const est = await trained(
      'onnx',
      withPredictExtra((p) => tf.atan(p)),
    );
    const base = join(tmp.dir, 'onnx-export');
    const err = (await exportSavedModel(est, base, receiver, { formats: ['onnx'] }).catch((e: unknown) => e)) as {
      message: string;
    };
    expect(err).toMatchObject({ code: 'EXPORT_UNSUPPORTED_OP' });
    expect(err.message).toMatch(/onnx writer cannot export kernel Atan \(layer scope "head"\)/);
    expect(existsSync(base) ? readdirSync(base) : []).toEqual([]);
    est.dispose();
  });

  it('without a checkpoint it is NO_CHECKPOINT; bad arguments are one-line errors', async () => {
    const est = new Estimator({
      modelFn: mlpModelFn,
      config: new RunConfig({ modelDir: join(tmp.dir, 'empty') }),
      log: () => {},
    });
    await expect(exportSavedModel(est, join(tmp.dir, 'x'), receiver)).rejects.toMatchObject({ code: 'NO_CHECKPOINT' });
    await expect(exportSavedModel(est, '', receiver)).rejects.toMatchObject({ code: 'EXPORT_INVALID_ARGUMENT' });
    await expect(
      exportSavedModel(est, join(tmp.dir, 'x'), receiver, { formats: ['savedmodel' as never] }),
    ).rejects.toMatchObject({
      code: 'EXPORT_INVALID_ARGUMENT',
    });
  });

  it('tracing leaks no tensors and restores the engine', async () => {
    const est = await trained('leaks', mlpModelFn);
    await exportSavedModel(est, join(tmp.dir, 'leaks-export'), receiver); // warm: layers and variables exist
    const before = tf.memory().numTensors;
    const runKernel = tf.engine().runKernel;
    await exportSavedModel(est, join(tmp.dir, 'leaks-export'), receiver);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().runKernel).toBe(runKernel);
    expect(Object.hasOwn(tf.engine(), 'runKernel')).toBe(false);
    est.dispose();
  });
});
