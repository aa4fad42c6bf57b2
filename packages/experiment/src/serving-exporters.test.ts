import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Estimator, type EvalResults, RunConfig } from '@estimatorjs/estimator';
import { buildRawServingInputReceiverFn } from '@estimatorjs/export';
import { loadGraphModelFromDir, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BestExporter } from './best-exporter.js';
import { continuousEvaluate } from './continuous-evaluate.js';
import { Experiment } from './experiment.js';
import type { ExportContext, Exporter } from './exporter.js';
import { FinalExporter } from './final-exporter.js';
import { LatestExporter } from './latest-exporter.js';
import { fileExportStore } from './node/file-export-store.js';
import { EvalSpec, TrainSpec } from './specs.js';
import { toyInputFn, toyModelFn } from './toy-model.test-util.js';
import { trainAndEvaluate } from './train-and-evaluate.js';

beforeAll(() => setupTestBackend('cpu'));
const tmp = tempModelDir('serving-exporters-');
afterAll(() => tmp.cleanup());

const receiver = buildRawServingInputReceiverFn({ dtype: 'float32', shape: [null, 2] }); // features: one tensor, input 'input'

/** Records every evaluation an exporter is shown, then delegates. */
class Recording implements Exporter {
  readonly seen: EvalResults[] = [];
  constructor(readonly inner: Exporter) {}
  get name() {
    return this.inner.name;
  }
  export(ctx: ExportContext) {
    this.seen.push(ctx.evalResult);
    return this.inner.export(ctx);
  }
}

describe('serving exports from trainAndEvaluate (exporters with a servingInputReceiverFn)', () => {
  it('BestExporter keeps exactly the best exportsToKeep exports by the metric, each loadable; Latest and Final too', async () => {
    const modelDir = join(tmp.dir, 'model');
    const estimator = new Estimator({
      modelFn: toyModelFn,
      config: new RunConfig({
        modelDir,
        saveCheckpointsSteps: 5,
        keepCheckpointMax: 20,
        randomSeed: 1,
        logStepCountSteps: 1000,
      }),
      params: { learning_rate: 0.05 },
      log: () => {},
    });
    // A clock that stands still: export directory names must still increase.
    const now = () => 1_800_000_000;
    const best = new Recording(
      new BestExporter({ name: 'best', metric: 'loss', exportsToKeep: 2, servingInputReceiverFn: receiver, now }),
    );
    await trainAndEvaluate(
      estimator,
      new TrainSpec({ inputFn: toyInputFn(1_000_000), maxSteps: 40 }),
      new EvalSpec({
        inputFn: toyInputFn(2),
        steps: null,
        throttleSecs: 0,
        exporters: [
          best,
          new LatestExporter({ name: 'latest', exportsToKeep: 3, servingInputReceiverFn: receiver, now }),
          new FinalExporter({ name: 'final', servingInputReceiverFn: receiver, now }),
        ],
      }),
      { exportStore: fileExportStore, log: () => {} },
    );
    // The reference: walk the evaluations, export on each strict improvement of the loss, keep the last two.
    let bestLoss = Number.POSITIVE_INFINITY;
    const improved: number[] = [];
    for (const r of best.seen) {
      if (r.loss < bestLoss) {
        bestLoss = r.loss;
        improved.push(r.globalStep);
      }
    }
    expect(best.seen.length).toBe(8);
    expect(improved.length).toBeGreaterThan(2);
    const bestDir = join(modelDir, 'export', 'best');
    const dirs = readdirSync(bestDir).sort();
    expect(dirs).toHaveLength(2);
    const steps = dirs.map((d) => JSON.parse(readFileSync(join(bestDir, d, 'export.json'), 'utf8')).globalStep);
    expect(steps).toEqual(improved.slice(-2));
    for (const [i, d] of dirs.entries()) {
      const manifest = JSON.parse(readFileSync(join(bestDir, d, 'export.json'), 'utf8'));
      expect(manifest).toMatchObject({
        format: 'estimatorjs-export',
        exporter: 'best',
        checkpoint: `model.ckpt-${steps[i]}`,
      });
      expect(manifest.evalResult.loss).toBe(best.seen.find((r) => r.globalStep === steps[i])!.loss);
      // Loadable, and it is that checkpoint's model: same outputs as estimator.predict on it.
      const model = await loadGraphModelFromDir(join(bestDir, d, 'graph_model'));
      const xs = [
        [0.1, 0.9],
        [0.8, 0.3],
        [0.5, 0.5],
      ];
      const x = tf.tensor2d(xs);
      const out = model.execute({ input: x }, ['output']) as tf.Tensor;
      const got = Array.from(await out.data());
      tf.dispose([x, out]);
      model.dispose();
      const expected: number[] = [];
      const input = async function* () {
        yield tf.tensor2d(xs);
      };
      for await (const p of estimator.predict(input, { checkpointPath: `model.ckpt-${steps[i]}` })) {
        expected.push(...(p as Float32Array));
      }
      expect(got.length).toBe(6);
      for (let k = 0; k < 6; k++) expect(Math.abs(got[k]! - expected[k]!)).toBeLessThanOrEqual(1e-5);
    }
    expect(readdirSync(join(modelDir, 'export', 'latest'))).toHaveLength(3);
    const finals = readdirSync(join(modelDir, 'export', 'final'));
    expect(finals).toHaveLength(1);
    expect(
      JSON.parse(readFileSync(join(modelDir, 'export', 'final', finals[0]!, 'export.json'), 'utf8')).globalStep,
    ).toBe(40);
    expect(existsSync(join(modelDir, 'export', 'final', finals[0]!, 'graph_model', 'model.json'))).toBe(true);
    estimator.dispose();
  });

  it('Experiment runs its exportStrategies after each evaluation', async () => {
    const modelDir = join(tmp.dir, 'experiment');
    const estimator = new Estimator({
      modelFn: toyModelFn,
      config: new RunConfig({ modelDir, saveCheckpointsSteps: 5, randomSeed: 1, logStepCountSteps: 1000 }),
      log: () => {},
    });
    const experiment = new Experiment({
      estimator,
      trainInputFn: toyInputFn(1_000_000),
      evalInputFn: toyInputFn(1),
      trainSteps: 10,
      exportStrategies: [
        new LatestExporter({ name: 'serving', exportsToKeep: 5, servingInputReceiverFn: receiver }),
        new FinalExporter({ name: 'final', servingInputReceiverFn: receiver }),
      ],
      exportStore: fileExportStore,
      log: () => {},
    });
    await experiment.trainAndEvaluate();
    const dirs = readdirSync(join(modelDir, 'export', 'serving')).sort();
    const steps = dirs.map(
      (d) => JSON.parse(readFileSync(join(modelDir, 'export', 'serving', d, 'export.json'), 'utf8')).globalStep,
    );
    expect(steps).toEqual([5, 10]);
    expect(readdirSync(join(modelDir, 'export', 'final'))).toHaveLength(1);
    estimator.dispose();
  });

  it('continuousEvaluate exports the checkpoint it found on disk (checkpoint copies and serving exports)', async () => {
    const modelDir = join(tmp.dir, 'continuous');
    const estimator = new Estimator({
      modelFn: toyModelFn,
      config: new RunConfig({ modelDir, saveCheckpointsSteps: 100, randomSeed: 1, logStepCountSteps: 1000 }),
      log: () => {},
    });
    await estimator.train(toyInputFn(1_000_000), { maxSteps: 6 });
    const result = await continuousEvaluate(
      estimator,
      new EvalSpec({
        inputFn: toyInputFn(1),
        startDelaySecs: 0,
        throttleSecs: 0,
        exporters: [
          new LatestExporter({ name: 'copy' }),
          new LatestExporter({ name: 'serving', servingInputReceiverFn: receiver }),
        ],
      }),
      { maxSteps: 6, exportStore: fileExportStore, log: () => {} },
    );
    expect(result!.evalResult.globalStep).toBe(6);
    expect(readdirSync(join(modelDir, 'export', 'copy'))).toEqual(['6']);
    expect(existsSync(join(modelDir, 'export', 'copy', '6', 'model.ckpt-6.index.json'))).toBe(true);
    const [serving] = readdirSync(join(modelDir, 'export', 'serving'));
    expect(existsSync(join(modelDir, 'export', 'serving', serving!, 'graph_model', 'model.json'))).toBe(true);
    estimator.dispose();
  });
});
