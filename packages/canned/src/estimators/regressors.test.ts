import { AdagradOptimizer, type Estimator } from '@estimatorjs/estimator';
import { setupTestBackend } from '@estimatorjs/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as featureColumn from '../feature-column/index.js';
import { BaselineRegressor } from './baseline.js';
import { DNNRegressor } from './dnn.js';
import { DNNLinearCombinedRegressor } from './dnn-linear-combined.js';
import { LinearRegressor } from './linear.js';
import { COLORS, makeTable, quietConfig, silent, tableInput } from './tabular-data.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

const train = makeTable(256, 11);
const test = makeTable(128, 23);
const x = featureColumn.numericColumn('x');
const color = featureColumn.categoricalColumnWithVocabularyList('color', [...COLORS]);
const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;

const live: Estimator[] = [];
afterEach(() => {
  for (const e of live.splice(0)) e.dispose();
});
function keep<E extends Estimator>(e: E): E {
  live.push(e);
  return e;
}

async function predictions(est: Estimator): Promise<number[]> {
  const out: number[] = [];
  for await (const p of est.predict(tableInput(test, 'none'))) {
    const r = p as Record<string, Float32Array>;
    expect(Object.keys(r)).toEqual(['predictions']);
    out.push(r.predictions![0]!);
  }
  return out;
}

describe('LinearRegressor', () => {
  it("fits y = 2x + 1 + [red] and reports TF's regression metrics", async () => {
    const est = keep(new LinearRegressor({ featureColumns: [x, color], config: quietConfig(), log: silent }));
    await est.train(tableInput(train, 'y', { epochs: 60 }), { steps: 400 });
    const r = await est.evaluate(tableInput(test, 'y'));
    expect(Object.keys(r).sort()).toEqual(['average_loss', 'globalStep', 'label/mean', 'loss', 'prediction/mean']);
    expect(r.average_loss).toBeLessThan(0.01);
    expect(r['label/mean']).toBeCloseTo(mean(test.y), 4);
    // TF 1.x's default reduction is SUM: the eval loss is the per-batch sum, 32 × the average loss here.
    expect(r.loss).toBeCloseTo(32 * r.average_loss!, 3);
    const w = await est.getVariableValue('linear/linear_model/x/weights');
    expect((await w.data())[0]).toBeCloseTo(2, 1);
    w.dispose();
    const p = await predictions(est);
    expect(p[0]).toBeCloseTo(test.y[0]!, 1);
  });
});

describe('DNNRegressor', () => {
  it('fits the same target through hidden layers', async () => {
    const est = keep(
      new DNNRegressor({
        featureColumns: [x, featureColumn.indicatorColumn(color)],
        hiddenUnits: [16],
        optimizer: new AdagradOptimizer({ learningRate: 0.1 }),
        config: quietConfig(),
        log: silent,
      }),
    );
    await est.train(tableInput(train, 'y', { epochs: 60 }), { steps: 400 });
    const r = await est.evaluate(tableInput(test, 'y'));
    expect(r.average_loss).toBeLessThan(0.05);
  });

  it("names dropout + batch norm layers as TF (batch norm's moving averages need TF's many steps at momentum 0.999)", async () => {
    const est = keep(
      new DNNRegressor({
        featureColumns: [x],
        hiddenUnits: [4],
        dropout: 0.1,
        batchNorm: true,
        config: quietConfig(),
        log: silent,
      }),
    );
    await est.train(tableInput(train, 'y'), { steps: 3 });
    const r = await est.evaluate(tableInput(test, 'y'));
    expect(Number.isFinite(r.average_loss)).toBe(true);
    expect(await est.getVariableNames()).toEqual(
      expect.arrayContaining([
        'dnn/hiddenlayer_0/batchnorm_0/gamma',
        'dnn/hiddenlayer_0/batchnorm_0/moving_mean',
        'dnn/hiddenlayer_0/kernel',
      ]),
    );
  });
});

describe('DNNLinearCombinedRegressor', () => {
  it('fits the target with the wide and deep parts together', async () => {
    const est = keep(
      new DNNLinearCombinedRegressor({
        linearFeatureColumns: [color, x],
        dnnFeatureColumns: [x],
        dnnHiddenUnits: [8],
        dnnOptimizer: new AdagradOptimizer({ learningRate: 0.1 }),
        linearOptimizer: new AdagradOptimizer({ learningRate: 0.1 }),
        config: quietConfig(),
        log: silent,
      }),
    );
    await est.train(tableInput(train, 'y', { epochs: 60 }), { steps: 400 });
    const r = await est.evaluate(tableInput(test, 'y'));
    expect(r.average_loss).toBeLessThan(0.05);
  });
});

describe('BaselineRegressor', () => {
  it("predicts the training labels' mean for every example", async () => {
    const est = keep(new BaselineRegressor({ config: quietConfig(), log: silent }));
    await est.train(tableInput(train, 'y', { epochs: 60 }), { steps: 300 });
    const p = await predictions(est);
    expect(p[0]).toBeCloseTo(mean(train.y), 1);
    expect(p[5]).toBe(p[0]);
  });
});

describe('weightColumn', () => {
  it('weights examples in the loss: zero-weight examples do not count', async () => {
    // Half the rows carry a wrong label with weight 0: the fit must ignore them.
    const noisy = makeTable(256, 11);
    for (let i = 0; i < noisy.y.length; i += 2) {
      noisy.y[i] = -10;
      noisy.w[i] = 0;
    }
    const est = keep(
      new LinearRegressor({ featureColumns: [x, color], weightColumn: 'w', config: quietConfig(), log: silent }),
    );
    await est.train(tableInput(noisy, 'y', { epochs: 60 }), { steps: 400 });
    const r = await est.evaluate(tableInput(test, 'y'));
    expect(r.average_loss).toBeLessThan(0.02);
  });
});
