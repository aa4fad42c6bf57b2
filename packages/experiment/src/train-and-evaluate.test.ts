import {
  Estimator,
  type EvalResults,
  GradientDescentOptimizer,
  initializers,
  layers,
  MemoryStorage,
  type ModelFn,
  RunConfig,
  writeCheckpoint,
} from '@estimatorjs/estimator';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BestExporter } from './best-exporter.js';
import { MemoryExportStore } from './export-store.js';
import { type ExportContext, listExports, readExportDescription } from './exporter.js';
import { FinalExporter } from './final-exporter.js';
import { LatestExporter } from './latest-exporter.js';
import { EvalSpec, TrainSpec } from './specs.js';
import { toyInputFn, toyModelFn } from './toy-model.test-util.js';
import { trainAndEvaluate } from './train-and-evaluate.js';

beforeAll(() => setupTestBackend('cpu'));

function estimatorIn(name: string, saveEvery = 10) {
  const storage = new MemoryStorage(name);
  const config = new RunConfig({
    modelDir: name,
    storage,
    saveCheckpointsSteps: saveEvery,
    randomSeed: 1,
    logStepCountSteps: 1000,
  });
  return new Estimator({ modelFn: toyModelFn, config, params: { learning_rate: 0.05 }, log: () => {} });
}

describe('trainAndEvaluate', () => {
  it('evaluates after checkpoints and at the end, exporting latest / best / final under modelDir/export/<name>/<step>', async () => {
    const estimator = estimatorIn('tae');
    const store = new MemoryExportStore();
    const evaluated: number[] = [];
    const { evalResult, exportResults } = (await trainAndEvaluate(
      estimator,
      new TrainSpec({ inputFn: toyInputFn(1_000_000), maxSteps: 45 }),
      new EvalSpec({
        inputFn: toyInputFn(2),
        steps: null,
        throttleSecs: 0,
        hooks: [{ begin: (ctx) => void evaluated.push(ctx.globalStep) }],
        exporters: [
          new LatestExporter({ name: 'latest', exportsToKeep: 2 }),
          new BestExporter({ name: 'best', metric: 'loss' }),
          new FinalExporter({ name: 'final', metadata: { inputs: { x: [null, 2] } } }),
        ],
      }),
      { exportStore: store, log: () => {} },
    ))!;
    expect(evaluated).toEqual([10, 20, 30, 40, 45]);
    expect(evalResult.globalStep).toBe(45);
    expect(evalResult.accuracy).toBeGreaterThan(0.8);
    expect(await listExports(store, 'tae/export/latest')).toEqual([40, 45]);
    expect(await listExports(store, 'tae/export/final')).toEqual([45]);
    expect(exportResults).toContain('tae/export/final/45');
    const best = await listExports(store, 'tae/export/best');
    expect(best.length).toBeGreaterThan(0);
    const d = await readExportDescription(store, 'tae/export/final/45');
    expect(d).toMatchObject({
      format: 'estimatorjs-export',
      exporter: 'final',
      globalStep: 45,
      checkpoint: 'model.ckpt-45',
      metadata: { inputs: { x: [null, 2] } },
    });
    expect(d!.variables).toEqual(expect.arrayContaining([['logits/kernel', [2, 2]]]));
    const state = new TextDecoder().decode((await store.readFile('tae/export/final/45', 'checkpoint'))!);
    expect(state).toContain('model_checkpoint_path: "model.ckpt-45"');
    expect(await store.readFile('tae/export/final/45', 'model.ckpt-45.weights.bin')).not.toBeNull();
    estimator.dispose();
  });

  it('throttles evaluations by throttleSecs, still evaluating the final checkpoint', async () => {
    const estimator = estimatorIn('thr', 5);
    const evaluated: number[] = [];
    await trainAndEvaluate(
      estimator,
      new TrainSpec({ inputFn: toyInputFn(1_000_000), maxSteps: 30 }),
      new EvalSpec({
        inputFn: toyInputFn(1),
        throttleSecs: 3600,
        hooks: [{ begin: (c) => void evaluated.push(c.globalStep) }],
      }),
      { log: () => {} },
    );
    expect(evaluated).toEqual([5, 30]);
    // Already at maxSteps: no training, one final evaluation of what is there.
    await trainAndEvaluate(
      estimator,
      new TrainSpec({ inputFn: toyInputFn(1_000_000), maxSteps: 30 }),
      new EvalSpec({ inputFn: toyInputFn(1), hooks: [{ begin: (c) => void evaluated.push(c.globalStep) }] }),
      { log: () => {} },
    );
    expect(evaluated).toEqual([5, 30, 30]);
    estimator.dispose();
  });

  it('leaks no tensors across train, evaluations and exports', async () => {
    const estimator = estimatorIn('leak', 5);
    const run = (maxSteps: number) =>
      trainAndEvaluate(
        estimator,
        new TrainSpec({ inputFn: toyInputFn(1_000_000), maxSteps }),
        new EvalSpec({ inputFn: toyInputFn(1), throttleSecs: 0, exporters: [new LatestExporter({ name: 'l' })] }),
        { exportStore: new MemoryExportStore(), log: () => {} },
      );
    await run(5); // optimizer slots and variables exist from here on
    await expectNoLeaks(() => run(15));
    estimator.dispose();
  });

  it('fails early and clearly on bad specs', async () => {
    const estimator = estimatorIn('bad');
    expect(() => new TrainSpec({ inputFn: 3 as never })).toThrow(/new TrainSpec\(\): inputFn must be a function/);
    expect(() => new TrainSpec({ inputFn: toyInputFn(1), maxSteps: 0 })).toThrow(
      /maxSteps must be an integer > 0. Received 0/,
    );
    expect(() => new EvalSpec({ inputFn: toyInputFn(1), throttleSecs: -1 })).toThrow(
      /throttleSecs must be a number >= 0/,
    );
    expect(
      () =>
        new EvalSpec({
          inputFn: toyInputFn(1),
          exporters: [new LatestExporter({ name: 'a' }), new FinalExporter({ name: 'a' })],
        }),
    ).toThrow(/two exporters are named "a"/);
    await expect(
      trainAndEvaluate(
        estimator,
        new TrainSpec({ inputFn: toyInputFn(1), maxSteps: 1 }),
        new EvalSpec({ inputFn: toyInputFn(1), exporters: [new LatestExporter({ name: 'a' })] }),
      ),
    ).rejects.toThrow(/exporter "a" has no export store/);
    estimator.dispose();
  });
});

describe('BestExporter', () => {
  it('exports only improvements and keeps the best N, remembering the best across restarts', async () => {
    const storage = new MemoryStorage('b');
    const store = new MemoryExportStore();
    const losses = [0.9, 0.7, 0.8, 0.5, 0.6, 0.4, 0.45, 0.3];
    const exported: (string | null)[] = [];
    let exporter = new BestExporter({ name: 'best', exportsToKeep: 2, store });
    for (const [i, loss] of losses.entries()) {
      const step = (i + 1) * 10;
      await writeCheckpoint(storage, `model.ckpt-${step}`, { w: tf.scalar(step) }, step);
      if (i === 4) exporter = new BestExporter({ name: 'best', exportsToKeep: 2, store }); // a restarted job
      const ctx: ExportContext = {
        estimator: { modelDir: 'b', storage },
        exportPath: 'b/export/best',
        checkpointPath: `model.ckpt-${step}`,
        evalResult: { loss, globalStep: step } as EvalResults,
        isTheFinalExport: false,
      };
      exported.push(await exporter.export(ctx));
    }
    expect(exported).toEqual([
      'b/export/best/10',
      'b/export/best/20',
      null,
      'b/export/best/40',
      null, // 0.6 is worse than 0.5, which the restarted exporter read back from export.json
      'b/export/best/60',
      null,
      'b/export/best/80',
    ]);
    expect(await listExports(store, 'b/export/best')).toEqual([60, 80]);
    expect(exporter.bestEvalResult).toMatchObject({ loss: 0.3, global_step: 80 });
    const higher = new BestExporter({ name: 'acc', metric: 'accuracy', higherIsBetter: true, store });
    const ctx = (accuracy: number, step: number): ExportContext => ({
      estimator: { modelDir: 'b', storage },
      exportPath: 'b/export/acc',
      checkpointPath: `model.ckpt-${step}`,
      evalResult: { accuracy, loss: 1, globalStep: step } as EvalResults,
      isTheFinalExport: false,
    });
    expect(await higher.export(ctx(0.5, 10))).toBe('b/export/acc/10');
    expect(await higher.export(ctx(0.4, 20))).toBeNull();
    expect(await higher.export(ctx(0.6, 30))).toBe('b/export/acc/30');
  });
});

describe('NanTensorHook on a diverging model', () => {
  it('fails training with the step at which the loss stopped being finite', async () => {
    const modelFn: ModelFn = (features, labels, mode) => {
      const y = layers.dense(features as tf.Tensor, 1, { name: 'linear', kernelInitializer: initializers.ones() });
      const loss = tf.mean(tf.square(tf.sub(y, labels as tf.Tensor))) as tf.Scalar;
      if (mode !== 'train') return { mode: 'eval', loss };
      return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 10 }).minimize(loss) };
    };
    const storage = new MemoryStorage('nan');
    const estimator = new Estimator({
      modelFn,
      config: new RunConfig({ modelDir: 'nan', storage, saveCheckpointsSteps: 1000, logStepCountSteps: 1000 }),
      log: () => {},
    });
    const inputFn = async function* () {
      for (let i = 0; i < 1000; i++) yield [tf.fill([4, 3], 10), tf.fill([4, 1], 1)] as const;
    };
    await expect(estimator.train(inputFn, { steps: 200 })).rejects.toThrow(
      /NanTensorHook.afterRun\(\) failed: NaN loss during training: loss = (NaN|Infinity) at step \d+\./,
    );
    expect(estimator.globalStep).toBeGreaterThan(1);
    expect(estimator.globalStep).toBeLessThan(200);
    estimator.dispose();
  });
});
