import { type Estimator, placeholder, type ServingInputReceiverFn } from '@estimatorjs/estimator';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CannedError } from '../errors.js';
import * as featureColumn from '../feature-column/index.js';
import { DNNClassifier, DNNRegressor } from './dnn.js';
import { DNNLinearCombinedClassifier } from './dnn-linear-combined.js';
import { COLORS, makeTable, quietConfig, silent, tableInput } from './tabular-data.test-util.js';

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

describe('export of string vocabulary columns', () => {
  const color = featureColumn.categoricalColumnWithVocabularyList('color', [...COLORS]);
  const wideDeep = () =>
    new DNNLinearCombinedClassifier({
      linearFeatureColumns: [color],
      dnnFeatureColumns: [x, featureColumn.indicatorColumn(color)],
      dnnHiddenUnits: [4],
      config: quietConfig(),
      log: silent,
    });
  const receiverWith =
    (dtype: 'int32' | 'string'): ServingInputReceiverFn =>
    () => {
      const xi = placeholder({ dtype: 'float32', shape: [null] });
      const c = placeholder({ dtype, shape: [null] });
      return { features: { x: xi, color: c }, receiverTensors: { x: xi, color: c } };
    };

  it('fed int32 vocabulary ids, a string vocabulary column predicts as with the strings, and exports', async () => {
    const est = wideDeep();
    live.push(est);
    await est.train(tableInput(train, 'binary'), { steps: 5 });
    const rows = { x: [0.5, -0.2, 0.1, 0.9], color: ['blue', 'red', 'purple', 'green'] };
    const ids = [2, 0, -1, 1]; // 'purple' is outside the vocabulary: absent, as -1
    const probs = async (colorTensor: () => tf.Tensor) => {
      const out: number[] = [];
      const input = () =>
        (async function* () {
          yield { x: tf.tensor1d(rows.x), color: colorTensor() };
        })();
      for await (const p of est.predict(input)) out.push((p as { logistic: Float32Array }).logistic[0]!);
      return out;
    };
    const fromStrings = await probs(() => tf.tensor1d(rows.color, 'string'));
    const fromIds = await probs(() => tf.tensor1d(ids, 'int32'));
    expect(fromIds).toEqual(fromStrings);
    const g = await est.traceForExport(receiverWith('int32'));
    expect(g.signatures.predict!.inputs).toHaveProperty('color');
    expect(g.constants.filter((c) => c.isVariable).map((c) => c.name)).toContain('linear/linear_model/color/weights');
  });

  it('a string serving input for a lookup column is one clear error naming the column and what to serve', async () => {
    const est = wideDeep();
    live.push(est);
    await est.train(tableInput(train, 'binary'), { steps: 1 });
    const e = await est.traceForExport(receiverWith('string')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CannedError);
    expect((e as CannedError).code).toBe('EXPORT_UNSUPPORTED_COLUMN');
    expect((e as CannedError).message).toBe(
      "exportSavedModel(): column 'color' looks strings up in JavaScript (tfjs has no string lookup kernel), so the serving input 'color' must hold int32 vocabulary ids (the position in the vocabulary; -1 or out of range: absent). Received a string placeholder.",
    );
  });

  it('a hash-bucket column cannot be exported: one clear error', async () => {
    const hashed = featureColumn.categoricalColumnWithHashBucket('color', 10);
    const est = new DNNLinearCombinedClassifier({
      linearFeatureColumns: [hashed],
      dnnFeatureColumns: [x],
      dnnHiddenUnits: [4],
      config: quietConfig(),
      log: silent,
    });
    live.push(est);
    await est.train(tableInput(train, 'binary'), { steps: 1 });
    await expect(est.traceForExport(receiverWith('string'))).rejects.toThrow(
      /^exportSavedModel\(\): column 'color' looks its feature 'color' up in JavaScript/,
    );
  });
});
