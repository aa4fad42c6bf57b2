import { AdagradOptimizer, type Estimator, FtrlOptimizer, GradientDescentOptimizer } from '@estimatorjs/estimator';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as featureColumn from '../feature-column/index.js';
import { BaselineClassifier } from './baseline.js';
import { DNNClassifier } from './dnn.js';
import { DNNLinearCombinedClassifier } from './dnn-linear-combined.js';
import { LinearClassifier } from './linear.js';
import { COLORS, makeTable, quietConfig, SIGNALS, silent, tableInput } from './tabular-data.test-util.js';

beforeAll(() => setupTestBackend('cpu'));

const train = makeTable(256, 11);
const test = makeTable(128, 23);
const x = featureColumn.numericColumn('x');
const color = featureColumn.categoricalColumnWithVocabularyList('color', [...COLORS]);

const BINARY_METRICS = [
  'accuracy',
  'accuracy_baseline',
  'auc',
  'auc_precision_recall',
  'average_loss',
  'globalStep',
  'label/mean',
  'loss',
  'precision',
  'prediction/mean',
  'recall',
];

const live: Estimator[] = [];
afterEach(() => {
  for (const e of live.splice(0)) e.dispose();
});
function keep<E extends Estimator>(e: E): E {
  live.push(e);
  return e;
}

async function firstPrediction(est: Estimator) {
  for await (const p of est.predict(tableInput(test, 'none'))) return p as Record<string, unknown>;
  throw new Error('no prediction');
}

describe('LinearClassifier', () => {
  it("solves a separable binary task and reports TF's binary head metrics", async () => {
    const est = keep(new LinearClassifier({ featureColumns: [x, color], config: quietConfig(), log: silent }));
    await est.train(tableInput(train, 'binary', { epochs: 30 }), { steps: 200 });
    const r = await est.evaluate(tableInput(test, 'binary'));
    expect(Object.keys(r).sort()).toEqual(BINARY_METRICS);
    expect(r.accuracy).toBeGreaterThan(0.95);
    expect(r.auc).toBeGreaterThan(0.98);
    // label/mean is the fraction of positive labels; accuracy_baseline = max(m, 1 - m) (TF's definition).
    const m = Array.from(test.binary).reduce((a, b) => a + b, 0) / test.binary.length;
    expect(r['label/mean']).toBeCloseTo(m, 5);
    expect(r.accuracy_baseline).toBeCloseTo(Math.max(m, 1 - m), 5);
    const names = await est.getVariableNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'linear/linear_model/bias_weights',
        'linear/linear_model/color/weights',
        'linear/linear_model/x/weights',
      ]),
    );
  });

  it("predicts TF's binary keys: logits, logistic, probabilities, class_ids, classes", async () => {
    const est = keep(new LinearClassifier({ featureColumns: [x, color], config: quietConfig(), log: silent }));
    await est.train(tableInput(train, 'binary'), { steps: 3 });
    const p = await firstPrediction(est);
    expect(Object.keys(p).sort()).toEqual(['class_ids', 'classes', 'logistic', 'logits', 'probabilities']);
    const probs = p.probabilities as Float32Array;
    const logistic = (p.logistic as Float32Array)[0]!;
    expect(probs[1]).toBeCloseTo(logistic, 6);
    expect(probs[0]! + probs[1]!).toBeCloseTo(1, 6);
    expect((p.class_ids as Int32Array)[0]).toBe(logistic > 0.5 ? 1 : 0);
    expect((p.classes as string[])[0]).toBe(String((p.class_ids as Int32Array)[0]));
  });
});

describe('DNNClassifier', () => {
  const columns = [x, featureColumn.embeddingColumn(color, 2)];

  it('solves a 3-class task with string labels through labelVocabulary, with TF variable names', async () => {
    const est = keep(
      new DNNClassifier({
        featureColumns: [featureColumn.indicatorColumn(color), x],
        hiddenUnits: [8],
        nClasses: 3,
        labelVocabulary: [...SIGNALS],
        config: quietConfig(),
        log: silent,
      }),
    );
    await est.train(tableInput(train, 'signal', { epochs: 30 }), { steps: 150 });
    const r = await est.evaluate(tableInput(test, 'signal'));
    expect(Object.keys(r).sort()).toEqual(['accuracy', 'average_loss', 'globalStep', 'loss']);
    expect(r.accuracy).toBe(1);
    const p = await firstPrediction(est);
    expect(Object.keys(p).sort()).toEqual(['class_ids', 'classes', 'logits', 'probabilities']);
    expect((p.classes as string[])[0]).toBe(test.signal[0]);
    const names = await est.getVariableNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'dnn/hiddenlayer_0/kernel',
        'dnn/hiddenlayer_0/bias',
        'dnn/logits/kernel',
        'dnn/logits/bias',
      ]),
    );
  });

  it('solves the binary task through an embedding column', async () => {
    const est = keep(
      new DNNClassifier({ featureColumns: columns, hiddenUnits: [8, 4], config: quietConfig(), log: silent }),
    );
    await est.train(tableInput(train, 'binary', { epochs: 30 }), { steps: 300 });
    const r = await est.evaluate(tableInput(test, 'binary'));
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(await est.getVariableNames()).toContain(
      'dnn/input_from_feature_columns/input_layer/color_embedding/embedding_weights',
    );
  });

  it('fails with one clear error for a label outside labelVocabulary', async () => {
    const est = keep(
      new DNNClassifier({
        featureColumns: [x],
        hiddenUnits: [2],
        labelVocabulary: ['stop', 'go'],
        config: quietConfig(),
        log: silent,
      }),
    );
    await expect(est.train(tableInput(train, 'signal'), { steps: 1 })).rejects.toThrow(
      /label "wait" at index \d+ of the batch is not in labelVocabulary \["stop", "go"\]/,
    );
  });

  it('fails with one clear error for an integer label outside nClasses', async () => {
    const est = keep(
      new DNNClassifier({ featureColumns: [x], hiddenUnits: [2], nClasses: 3, config: quietConfig(), log: silent }),
    );
    const bad = { ...train, binary: train.binary.map((v, i) => (i === 5 ? 3 : v)) };
    await expect(est.train(tableInput(bad, 'binary'), { steps: 1 })).rejects.toThrow(
      /labels must be integer class ids in \[0, 3\) \(nClasses 3\)\. Received label 3 at index 5/,
    );
  });

  it('names a missing feature column', async () => {
    const est = keep(
      new DNNClassifier({
        featureColumns: [featureColumn.numericColumn('height')],
        hiddenUnits: [2],
        config: quietConfig(),
        log: silent,
      }),
    );
    await expect(est.train(tableInput(train, 'binary'), { steps: 1 })).rejects.toThrow(
      /feature "height" is not in the features/,
    );
  });

  it('train, evaluate and predict leak no tensors', async () => {
    const est = keep(
      new DNNClassifier({ featureColumns: columns, hiddenUnits: [4], config: quietConfig(), log: silent }),
    );
    await expectNoLeaks(
      async () => {
        await est.train(tableInput(train, 'binary'), { steps: 3 });
        await est.evaluate(tableInput(test, 'binary'));
        for await (const _ of est.predict(tableInput(test, 'none'))) {
          // drain
        }
      },
      { warmup: true },
    );
  });
});

describe('DNNLinearCombinedClassifier', () => {
  it('solves the binary task with linear and dnn parts under their TF names', async () => {
    const est = keep(
      new DNNLinearCombinedClassifier({
        linearFeatureColumns: [color],
        dnnFeatureColumns: [x],
        dnnHiddenUnits: [8],
        dnnOptimizer: new AdagradOptimizer({ learningRate: 0.1 }),
        linearOptimizer: new FtrlOptimizer({ learningRate: 0.2 }),
        config: quietConfig(),
        log: silent,
      }),
    );
    await est.train(tableInput(train, 'binary', { epochs: 60 }), { steps: 400 });
    const r = await est.evaluate(tableInput(test, 'binary'));
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(await est.getVariableNames()).toEqual(
      expect.arrayContaining(['linear/linear_model/color/weights', 'dnn/hiddenlayer_0/kernel', 'dnn/logits/kernel']),
    );
  });

  it("trains the dnn/ variables with dnnOptimizer and the linear/ ones with linearOptimizer (TF's defaults: Adagrad and Ftrl slots)", async () => {
    const est = keep(
      new DNNLinearCombinedClassifier({
        linearFeatureColumns: [color],
        dnnFeatureColumns: [x],
        dnnHiddenUnits: [4],
        config: quietConfig(),
        log: silent,
      }),
    );
    await est.train(tableInput(train, 'binary'), { steps: 2 });
    const names = await est.getVariableNames();
    // TF's slot names: Adagrad's accumulator on dnn variables, Ftrl's accumulator and linear on linear variables
    expect(names).toEqual(
      expect.arrayContaining([
        // the DNN optimizer's slots first (section optimizer/), then the linear one's (optimizer_1/), as TF's train ops
        'optimizer/dnn/hiddenlayer_0/kernel/Adagrad',
        'optimizer_1/linear/linear_model/color/weights/Ftrl',
        'optimizer_1/linear/linear_model/color/weights/Ftrl_1',
      ]),
    );
    expect(names.filter((n) => n.includes('/dnn/') && n.includes('Ftrl'))).toEqual([]);
    expect(names.filter((n) => n.includes('/linear/') && n.includes('Adagrad'))).toEqual([]);
  });

  it('routes each part to its own optimizer: a tiny learning rate freezes only that part', async () => {
    /** How far the linear bias and the first dnn kernel move in 3 SGD steps with these learning rates. */
    const moved = async (linearLr: number, dnnLr: number) => {
      const est = keep(
        new DNNLinearCombinedClassifier({
          linearFeatureColumns: [color],
          dnnFeatureColumns: [x],
          dnnHiddenUnits: [4],
          linearOptimizer: new GradientDescentOptimizer({ learningRate: linearLr }),
          dnnOptimizer: new GradientDescentOptimizer({ learningRate: dnnLr }),
          config: quietConfig(),
          log: silent,
        }),
      );
      await est.train(tableInput(train, 'binary'), { steps: 1 });
      const read = async (n: string) => Array.from((await est.getVariableValue(n)).dataSync());
      const b0 = await read('linear/linear_model/bias_weights');
      const k0 = await read('dnn/hiddenlayer_0/kernel');
      await est.train(tableInput(train, 'binary'), { steps: 3 });
      const b1 = await read('linear/linear_model/bias_weights');
      const k1 = await read('dnn/hiddenlayer_0/kernel');
      const diff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
      return { linear: diff(b0, b1), dnn: diff(k0, k1) };
    };
    const linearOnly = await moved(0.1, 1e-12);
    expect(linearOnly.linear).toBeGreaterThan(1e-3);
    expect(linearOnly.dnn).toBeLessThan(1e-8);
    const dnnOnly = await moved(1e-12, 0.1);
    expect(dnnOnly.linear).toBeLessThan(1e-8);
    expect(dnnOnly.dnn).toBeGreaterThan(1e-3);
  });

  it('refuses one optimizer instance for both parts with one clear error', () => {
    const shared = new AdagradOptimizer({ learningRate: 0.1 });
    expect(
      () =>
        new DNNLinearCombinedClassifier({
          linearFeatureColumns: [color],
          dnnFeatureColumns: [x],
          dnnHiddenUnits: [8],
          linearOptimizer: shared,
          dnnOptimizer: shared,
          log: silent,
        }),
    ).toThrow(/linearOptimizer and dnnOptimizer are the same instance/);
  });
});

describe('BaselineClassifier', () => {
  it("learns the training labels' distribution: logistic → the positive fraction", async () => {
    const est = keep(new BaselineClassifier({ config: quietConfig(), log: silent }));
    await est.train(tableInput(train, 'binary', { epochs: 60 }), { steps: 300 });
    const m = Array.from(train.binary).reduce((a, b) => a + b, 0) / train.binary.length;
    const p = await firstPrediction(est);
    expect((p.logistic as Float32Array)[0]).toBeCloseTo(m, 2);
    expect(await est.getVariableNames()).toContain('baseline/bias');
  });
});

describe('sharedEmbeddingColumns', () => {
  it("share one table named as TF's (<names>_shared_embedding/embedding_weights) in a DNN", async () => {
    const other = featureColumn.categoricalColumnWithVocabularyList('color2', [...COLORS]);
    const shared = featureColumn.sharedEmbeddingColumns([color, other], 2);
    expect(shared.map((c) => c.name)).toEqual(['color_shared_embedding', 'color2_shared_embedding']);
    const est = keep(
      new DNNClassifier({ featureColumns: [x, ...shared], hiddenUnits: [4], config: quietConfig(), log: silent }),
    );
    const input = () =>
      (async function* () {
        for await (const el of tableInput(train, 'binary')({})) {
          const [f, l] = el as [Record<string, import('@tensorflow/tfjs-core').Tensor>, unknown];
          yield [{ ...f, color2: f.color!.clone() }, l] as never;
        }
      })();
    await est.train(input, { steps: 2 });
    const tables = (await est.getVariableNames()).filter((n) => n.endsWith('embedding_weights'));
    expect(tables).toEqual([
      'dnn/input_from_feature_columns/input_layer/color_color2_shared_embedding/embedding_weights',
    ]);
  });
});
