import { Estimator, GradientDescentOptimizer, getVariable, initializers, RunConfig } from '@estimatorjs/estimator';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as featureColumn from '../feature-column/index.js';
import { inputLayer } from '../feature-column/input-layer.js';
import { linearModel } from '../feature-column/linear-model.js';
import { binaryClassificationHead } from './binary-head.js';
import type { Head } from './head.js';
import { multiClassHead } from './multi-class-head.js';
import { regressionHead } from './regression-head.js';

beforeAll(() => setupTestBackend('cpu'));

/**
 * An Estimator whose logits are the features `z` themselves (plus 0 × a variable, so TRAIN has something to train),
 * so every head value can be computed by hand from fixed logits and labels.
 */
function fixedLogitsEstimator(head: Head): Estimator {
  return new Estimator({
    config: new RunConfig({ saveSummarySteps: 1000, logStepCountSteps: 1000 }),
    log: () => {},
    modelFn: (features, labels, mode) => {
      const v = getVariable('v', { shape: [1], initializer: initializers.zeros() });
      const z = (features as Record<string, tf.Tensor>).z!;
      const logits = tf.add(tf.reshape(z, [z.shape[0]!, -1]), tf.mul(v, 0)) as tf.Tensor2D;
      return head.createSpec({
        features,
        mode,
        logits,
        labels,
        optimizer: new GradientDescentOptimizer({ learningRate: 0.1 }),
      });
    },
  });
}

function once(z: number[][], labels: tf.Tensor | (() => tf.Tensor)) {
  return () =>
    (async function* () {
      yield [{ z: tf.tensor2d(z) }, typeof labels === 'function' ? labels() : labels.clone()] as const;
    })();
}

describe('binaryClassificationHead', () => {
  it('reports sigmoid cross-entropy by hand: average_loss is the mean, loss the sum (TF 1.x reduction)', async () => {
    const z = [[2], [-1], [0.5], [-3]];
    const y = [1, 0, 0, 1];
    const est = fixedLogitsEstimator(binaryClassificationHead());
    const input = once(z, () => tf.tensor1d(y, 'int32'));
    await est.train(input, { steps: 1 });
    const r = await est.evaluate(input);
    const ce = z.map(([x], i) => Math.max(x!, 0) - x! * y[i]! + Math.log1p(Math.exp(-Math.abs(x!))));
    const sum = ce.reduce((a, b) => a + b, 0);
    expect(r.average_loss).toBeCloseTo(sum / 4, 5);
    expect(r.loss).toBeCloseTo(sum, 4);
    // Classes: logits > 0 → 1: [1, 0, 1, 0] against [1, 0, 0, 1]: accuracy 1/2, precision 1/2, recall 1/2.
    expect(r.accuracy).toBeCloseTo(0.5, 6);
    expect(r.precision).toBeCloseTo(0.5, 6);
    expect(r.recall).toBeCloseTo(0.5, 6);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    expect(r['prediction/mean']).toBeCloseTo(z.reduce((a, [x]) => a + sig(x!), 0) / 4, 5);
    // ROC AUC by hand: positives score sig(2), sig(-3); negatives sig(-1), sig(0.5): 2 of 4 pairs ordered right.
    expect(r.auc).toBeCloseTo(0.5, 2);
    est.dispose();
  });
});

describe('multiClassHead', () => {
  it('reports sparse softmax cross-entropy by hand', async () => {
    const z = [
      [1, 2, 3],
      [0, 0, 0],
    ];
    const y = [2, 0];
    const est = fixedLogitsEstimator(multiClassHead(3));
    const input = once(z, () => tf.tensor1d(y, 'int32'));
    await est.train(input, { steps: 1 });
    const r = await est.evaluate(input);
    const ce = z.map((row, i) => Math.log(row.reduce((a, v) => a + Math.exp(v), 0)) - row[y[i]!]!);
    expect(r.average_loss).toBeCloseTo((ce[0]! + ce[1]!) / 2, 5);
    expect(r.accuracy).toBeCloseTo(1, 6); // argmax [2, 0] (ties → the first)
    est.dispose();
  });
});

describe('regressionHead', () => {
  it('reports squared error, label and prediction means by hand', async () => {
    const z = [[1], [2], [4]];
    const y = [1.5, 2, 3];
    const est = fixedLogitsEstimator(regressionHead({ lossReduction: 'sum_over_batch_size' }));
    const input = once(z, () => tf.tensor1d(y));
    await est.train(input, { steps: 1 });
    const r = await est.evaluate(input);
    expect(r.average_loss).toBeCloseTo((0.25 + 0 + 1) / 3, 5);
    expect(r.loss).toBeCloseTo((0.25 + 0 + 1) / 3, 5);
    expect(r['label/mean']).toBeCloseTo(6.5 / 3, 5);
    expect(r['prediction/mean']).toBeCloseTo(7 / 3, 5);
    est.dispose();
  });
});

describe('inputLayer and linearModel in a custom model_fn', () => {
  it("name their variables as TF's: input_layer/<column>/…, linear_model/<column>/weights", async () => {
    const color = featureColumn.categoricalColumnWithVocabularyList('color', ['red', 'green']);
    const age = featureColumn.numericColumn('age');
    const est = new Estimator({
      config: new RunConfig({ saveSummarySteps: 1000, logStepCountSteps: 1000 }),
      log: () => {},
      modelFn: (features, labels, mode) => {
        const net = inputLayer(features, [featureColumn.embeddingColumn(color, 2), age]);
        expect(net.shape).toEqual([2, 3]); // age (1) + color_embedding (2), in name order
        const logits = tf.add(tf.sum(net, 1, true), linearModel(features, [age, color])) as tf.Tensor2D;
        return regressionHead().createSpec({
          features,
          mode,
          logits,
          labels,
          optimizer: new GradientDescentOptimizer({ learningRate: 0.01 }),
        });
      },
    });
    const input = () =>
      (async function* () {
        yield [
          { age: tf.tensor1d([30, 40]), color: tf.tensor1d(['red', 'green'], 'string') },
          tf.tensor1d([1, 2]),
        ] as const;
      })();
    await est.train(input, { steps: 1 });
    expect((await est.getVariableNames()).filter((n) => !n.includes('global_step')).sort()).toEqual(
      expect.arrayContaining([
        'input_layer/color_embedding/embedding_weights',
        'linear_model/age/weights',
        'linear_model/bias_weights',
        'linear_model/color/weights',
      ]),
    );
    est.dispose();
  });
});
