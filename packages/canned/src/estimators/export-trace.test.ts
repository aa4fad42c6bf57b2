import { type Estimator, placeholder, type ServingInputReceiverFn } from '@estimatorjs/estimator';
import { setupTestBackend } from '@estimatorjs/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as featureColumn from '../feature-column/index.js';
import { DNNClassifier, DNNRegressor } from './dnn.js';
import { makeTable, quietConfig, silent, tableInput } from './tabular-data.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

const train = makeTable(64, 11);
const x = featureColumn.numericColumn('x');
const receiver: ServingInputReceiverFn = () => {
  const input = placeholder({ dtype: 'float32', shape: [null] });
  return { features: { x: input }, receiverTensors: { x: input } };
};

const live: Estimator[] = [];
afterEach(() => {
  for (const e of live.splice(0)) e.dispose();
});

describe('export tracing of premade estimators (numeric columns)', () => {
  it("DNNRegressor traces TF's regress and predict signatures with its dnn/ variables frozen", async () => {
    const est = new DNNRegressor({ featureColumns: [x], hiddenUnits: [4], config: quietConfig(), log: silent });
    live.push(est);
    await est.train(tableInput(train, 'y'), { steps: 2 });
    const g = await est.traceForExport(receiver);
    expect(g.signatures.serving_default!.methodName).toBe('tensorflow/serving/regress');
    expect(Object.keys(g.signatures.predict!.outputs)).toEqual(['predictions']);
    const vars = g.constants.filter((c) => c.isVariable).map((c) => c.name);
    expect(vars).toEqual(expect.arrayContaining(['dnn/hiddenlayer_0/kernel', 'dnn/logits/kernel']));
  });

  it('DNNClassifier traces a classify signature with the probabilities as scores', async () => {
    const est = new DNNClassifier({ featureColumns: [x], hiddenUnits: [4], config: quietConfig(), log: silent });
    live.push(est);
    await est.train(tableInput(train, 'binary'), { steps: 2 });
    const g = await est.traceForExport(receiver);
    expect(g.signatures.serving_default!.methodName).toBe('tensorflow/serving/classify');
    expect(Object.keys(g.signatures.serving_default!.outputs)).toEqual(['scores']);
    expect(Object.keys(g.signatures.predict!.outputs).sort()).toEqual([
      'class_ids',
      'logistic',
      'logits',
      'probabilities',
    ]);
  });
});
