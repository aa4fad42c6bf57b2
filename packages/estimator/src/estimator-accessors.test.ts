import { join } from 'node:path';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Estimator, type ModelFn } from './estimator.js';
import { GradientDescentOptimizer, getVariable, ModeKeys, RunConfig, variableScope } from './index.js';

beforeAll(() => setupTestBackend('cpu'));
const tmp = tempModelDir('accessors-');
afterAll(() => tmp.cleanup());

let captured: tf.Variable | null = null;
const modelFn: ModelFn = (features, labels, mode) => {
  const w = variableScope('linear', () => getVariable('w', { shape: [2, 1] }));
  captured = w;
  const y = tf.matMul(features as tf.Tensor, w);
  if (mode === ModeKeys.PREDICT) return { mode, predictions: y };
  const loss = tf.losses.meanSquaredError(labels as tf.Tensor, y) as tf.Scalar;
  if (mode === ModeKeys.EVAL) return { mode, loss };
  return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss) };
};
const inputFn = () =>
  (async function* () {
    for (let i = 0; i < 3; i++)
      yield [
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
        tf.tensor2d([[1], [2]]),
      ] as const;
  })();

describe('Estimator accessors (TF get_variable_names / get_variable_value / latest_checkpoint)', () => {
  const modelDir = join(tmp.dir, 'm');
  const est = new Estimator({ modelFn, config: new RunConfig({ modelDir }), log: () => {} });
  beforeAll(() => est.train(inputFn, { steps: 3 }));
  afterAll(() => est.dispose());

  it('latestCheckpoint() is a path in the model directory that checkpointPath accepts back', async () => {
    const latest = await est.latestCheckpoint();
    expect(latest).toBe(join(modelDir, 'model.ckpt-3'));
    const results = await est.evaluate(inputFn, { checkpointPath: latest! });
    expect(results.globalStep).toBe(3);
    const preds = [];
    for await (const p of est.predict(inputFn, { checkpointPath: latest! })) preds.push(p);
    expect(preds).toHaveLength(6);
    await expect(est.evaluate(inputFn, { checkpointPath: '/elsewhere/model.ckpt-3' })).rejects.toMatchObject({
      code: 'UNSAFE_NAME',
    });
  });

  it('getVariableNames() lists the checkpoint; getVariableValue() equals the trained variable', async () => {
    const names = await est.getVariableNames();
    expect(names).toContain('linear/w');
    expect(names).toContain('global_step');
    const v = await est.getVariableValue('linear/w');
    expect(v.shape).toEqual([2, 1]);
    expect(Array.from(await v.data())).toEqual(Array.from(await captured!.data()));
    v.dispose();
    await expect(est.getVariableValue('nope')).rejects.toMatchObject({ code: 'UNKNOWN_VARIABLE' });
  });
});
