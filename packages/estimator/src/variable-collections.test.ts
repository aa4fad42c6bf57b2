import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, loadVariable } from './checkpoint/checkpoint-io.js';
import { MemoryStorage } from './checkpoint/storage.js';
import { Estimator, type ModelFn } from './estimator.js';
import { initializers } from './initializers.js';
import { batchNormalization } from './layers/batch-normalization.js';
import { conv1d } from './layers/conv1d.js';
import { dense } from './layers/dense.js';
import { layerHarness } from './layers/layer-context.test-util.js';
import { regularizers } from './layers/regularizers.js';
import { losses } from './losses/index.js';
import { group } from './optimizers/train-op.js';
import { GradientDescentOptimizer } from './optimizers.js';
import { RunConfig } from './run-config.js';
import {
  addToCollection,
  GraphKeys,
  getCollection,
  globalVariables,
  trainableVariables,
  variableName,
} from './variable-collections.js';
import { variableScope } from './variables.js';

beforeAll(() => setupTestBackend('cpu'));

describe('trainableVariables() / globalVariables() / getCollection()', () => {
  it('list the variables this call used so far, in first-use order, filtered by scope as re.match does', () => {
    const h = layerHarness();
    const x = tf.ones([2, 5, 3]);
    const seen: string[][] = [];
    for (let call = 0; call < 2; call++) {
      h.call(() => {
        const y = variableScope('gen', () => conv1d(x, 2, 3, { kernelRegularizer: regularizers.l2Regularizer(1) }));
        // Mid-call, only what exists so far: on the second call too (the store already holds disc's variables).
        seen.push(trainableVariables().map(variableName));
        variableScope('disc', () => batchNormalization(dense(y, 4, { name: 'logits' })));
        expect(trainableVariables('gen').map(variableName)).toEqual(['gen/conv1d/kernel', 'gen/conv1d/bias']);
        expect(trainableVariables('disc/logits').map(variableName)).toEqual(['disc/logits/kernel', 'disc/logits/bias']);
        expect(globalVariables('disc/batch').map(variableName)).toEqual([
          'disc/batch_normalization/gamma',
          'disc/batch_normalization/beta',
          'disc/batch_normalization/moving_mean',
          'disc/batch_normalization/moving_variance',
        ]);
        expect(trainableVariables('disc/batch').length).toBe(2);
        expect(
          getCollection(GraphKeys.TRAINABLE_VARIABLES, '(gen|disc/logits)/.*kernel').map((v) =>
            variableName(v as tf.Variable),
          ),
        ).toEqual(['gen/conv1d/kernel', 'disc/logits/kernel']);
        expect(getCollection(GraphKeys.GLOBAL_VARIABLES)).toHaveLength(8);
        expect(getCollection(GraphKeys.REGULARIZATION_LOSSES)).toHaveLength(1);
        expect(getCollection(GraphKeys.UPDATE_OPS)).toEqual([]);
        expect(getCollection('activations')).toEqual([]);
        addToCollection('activations', y);
        expect(getCollection('activations')).toEqual([y]);
      });
    }
    expect(seen).toEqual([
      ['gen/conv1d/kernel', 'gen/conv1d/bias'],
      ['gen/conv1d/kernel', 'gen/conv1d/bias'],
    ]);
    x.dispose();
    h.dispose();
  });

  it('refuse misuse with one line', () => {
    expect(() => trainableVariables()).toThrow(/^trainableVariables\(\) must be called inside a model_fn/);
    const h = layerHarness();
    h.call(() => {
      expect(() => getCollection(GraphKeys.LOSSES, 'gen')).toThrow(/scope filters variable collections only/);
      expect(() => addToCollection(GraphKeys.TRAINABLE_VARIABLES, 1)).toThrow(/is filled by getVariable\(\)/);
      expect(() => trainableVariables(3 as never)).toThrow(/scope must be a string\. Received 3/);
    });
    h.dispose();
  });
});

describe('varList from trainableVariables(scope) in a real Estimator', () => {
  it("two train ops grouped, each over its scope's variables: variables in neither list never change", async () => {
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const yTrue = tf.tensor2d([1, 0, 1], [3, 1]);
    const modelFn: ModelFn = (features, labels, mode) => {
      const h = variableScope('gen', () => dense(features as tf.Tensor, 3, { activation: 'tanh' }));
      const out = variableScope('disc', () => dense(h, 1, { kernelInitializer: initializers.constant(0.5) }));
      const loss = losses.meanSquaredError({ labels: labels as tf.Tensor, predictions: out });
      if (mode !== 'train') return { mode: 'eval', loss };
      const trainGen = new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss, {
        varList: trainableVariables('gen'),
      });
      // The second op trains disc on a loss it cannot lower: disc's bias only (its kernel is left out of varList).
      const trainDiscBias = new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss, {
        varList: trainableVariables('disc/dense/bias'),
      });
      return { mode, loss, trainOp: group(trainGen, trainDiscBias) };
    };
    const storage = new MemoryStorage('gan');
    const est = new Estimator({
      modelFn,
      config: new RunConfig({ modelDir: 'gan', storage, randomSeed: 3 }),
      log: () => {},
    });
    const input = async function* () {
      for (let i = 0; i < 5; i++) yield [tf.clone(x), tf.clone(yTrue)] as const;
    };
    await est.train(input, { steps: 1 });
    const first = (await latestCheckpoint(storage))!;
    const gen0 = await loadVariable(storage, first, 'gen/dense/kernel');
    await est.train(input, { steps: 4 });
    const last = (await latestCheckpoint(storage))!;
    const disc = await loadVariable(storage, last, 'disc/dense/kernel');
    const gen = await loadVariable(storage, last, 'gen/dense/kernel');
    const bias = await loadVariable(storage, last, 'disc/dense/bias');
    expect(Array.from(disc.dataSync())).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(gen.dataSync())).not.toEqual(Array.from(gen0.dataSync()));
    expect(bias.dataSync()[0]).not.toBe(0);
    tf.dispose([x, yTrue, gen0, disc, gen, bias]);
    est.dispose();
  });
});
