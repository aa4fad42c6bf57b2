import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectEventFiles, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, listVariables } from './checkpoint/checkpoint-io.js';
import { Estimator, type ModelFn } from './estimator.js';
import {
  AdamOptimizer,
  getVariable,
  layers,
  losses,
  MemoryStorage,
  ModeKeys,
  type ModelDirStorage,
  metrics,
  RunConfig,
} from './index.js';
import { fileStorage } from './node/file-storage.js';

beforeAll(() => setupTestBackend('cpu'));

/** A tiny 4-feature, 3-class problem: the class is the argmax of the first three features. */
function makeData(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  let s = seed;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = rand();
    const row = [x[i * 4]!, x[i * 4 + 1]!, x[i * 4 + 2]!];
    y[i] = row.indexOf(Math.max(...row));
  }
  return { x, y };
}

const data = makeData(256, 7);

function inputFn(batch = 32, epochs = 1000) {
  return async function* () {
    for (let e = 0; e < epochs; e++) {
      for (let i = 0; i + batch <= 256; i += batch) {
        yield [
          tf.tensor2d(data.x.subarray(i * 4, (i + batch) * 4), [batch, 4]),
          tf.tensor1d(data.y.subarray(i, i + batch), 'int32'),
        ] as const;
      }
    }
  };
}

const modelFn: ModelFn<{ learningRate: number }> = (features, labels, mode, params) => {
  const x = features as tf.Tensor;
  const hidden = layers.dense(x, 16, { activation: 'relu', name: 'hidden' });
  const logits = layers.dense(layers.dropout(hidden, { rate: 0.1 }), 3, { name: 'logits' });
  const classes = tf.argMax(logits, 1);
  if (mode === ModeKeys.PREDICT) return { mode, predictions: { classes, probabilities: tf.softmax(logits) } };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
  if (mode === ModeKeys.EVAL)
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels as tf.Tensor, classes) } };
  return { mode: 'train', loss, trainOp: new AdamOptimizer({ learningRate: params.learningRate }).minimize(loss) };
};

const quiet = () => {};
const dirs: (() => void)[] = [];
afterEach(() => {
  for (const c of dirs.splice(0)) c();
});

function newEstimator(
  storage: ModelDirStorage = new MemoryStorage('t'),
  extra: Partial<ConstructorParameters<typeof RunConfig>[0]> = {},
) {
  return new Estimator({
    modelFn,
    params: { learningRate: 0.05 },
    config: new RunConfig({
      modelDir: 'unused',
      storage,
      randomSeed: 42,
      saveCheckpointsSteps: 20,
      logStepCountSteps: 1000,
      ...extra,
    }),
    log: quiet,
  });
}

describe('Estimator', () => {
  it('trains, evaluates and predicts, and learns the task', async () => {
    const est = newEstimator();
    await est.train(inputFn(), { steps: 150 });
    expect(est.globalStep).toBe(150);
    const results = await est.evaluate(inputFn(64, 1));
    expect(results.globalStep).toBe(150);
    expect(results.accuracy).toBeGreaterThan(0.85);
    expect(results.loss).toBeLessThan(0.5);
    const preds = [];
    for await (const p of est.predict(inputFn(64, 1)))
      preds.push(p as { classes: number; probabilities: Float32Array });
    expect(preds).toHaveLength(256);
    expect(preds[0]!.probabilities).toBeInstanceOf(Float32Array);
    expect(preds[0]!.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const correct = preds.filter((p, i) => p.classes === data.y[i]).length / 256;
    expect(correct).toBeCloseTo(results.accuracy as number, 5);
    est.dispose();
  });

  it('steps counts from now, maxSteps is absolute, and a finished run skips training', async () => {
    const storage = new MemoryStorage('s');
    const lines: string[] = [];
    const est = new Estimator({
      modelFn,
      params: { learningRate: 0.05 },
      config: new RunConfig({ modelDir: 'x', storage, randomSeed: 1 }),
      log: (l) => lines.push(l),
    });
    await est.train(inputFn(), { steps: 5 });
    await est.train(inputFn(), { steps: 5 });
    expect(est.globalStep).toBe(10);
    await est.train(inputFn(), { maxSteps: 12 });
    expect(est.globalStep).toBe(12);
    await est.train(inputFn(), { maxSteps: 12 });
    expect(est.globalStep).toBe(12);
    expect(lines.at(-1)).toMatch(/Skipping training: the global step 12 has already reached maxSteps 12/);
    await expect(est.train(inputFn(), { steps: 1, maxSteps: 2 })).rejects.toThrow(
      /pass \{steps\} or \{maxSteps\}, not both. Received steps=1, maxSteps=2/,
    );
    await expect(est.train(inputFn(), { steps: 0 })).rejects.toThrow(/steps must be an integer > 0. Received 0/);
    est.dispose();
  });

  it('stops at the end of the input', async () => {
    const est = newEstimator();
    await est.train(inputFn(32, 2));
    expect(est.globalStep).toBe(16);
    est.dispose();
  });

  it('resumes from the checkpoint in a new Estimator with bit-identical weights', async () => {
    const storageA = new MemoryStorage('a');
    const a = newEstimator(storageA);
    await a.train(inputFn(), { steps: 40 });
    const storageB = new MemoryStorage('b');
    const b1 = newEstimator(storageB);
    await b1.train(inputFn(), { steps: 20 });
    b1.dispose();
    // A fresh estimator on the same directory is a process restart: everything comes from the checkpoint.
    // The input restarts from its beginning, which is also where the 20-step run's batch 21 comes from (8 batches/epoch → no, 20 % 8 = 4).
    const b2 = newEstimator(storageB);
    const skipTo = async function* () {
      let i = 0;
      for await (const el of inputFn()()) {
        if (i++ < 20) {
          tf.dispose(el as unknown as tf.Tensor[]);
          continue;
        }
        yield el;
      }
    };
    await b2.train(skipTo, { steps: 20 });
    expect(b2.globalStep).toBe(40);
    const va = await listVariables(storageA, 'model.ckpt-40');
    const names = va.map(([n]) => n);
    expect(names).toContain('hidden/kernel');
    expect(names).toContain('optimizer/hidden/kernel/Adam');
    expect(names).toContain('global_step');
    const { loadVariable } = await import('./checkpoint/checkpoint-io.js');
    for (const name of names) {
      const x = await loadVariable(storageA, 'model.ckpt-40', name);
      const y = await loadVariable(storageB, 'model.ckpt-40', name);
      expect(Array.from(await y.data()), name).toEqual(Array.from(await x.data()));
      x.dispose();
      y.dispose();
    }
    a.dispose();
    b2.dispose();
  });

  it('keeps keepCheckpointMax checkpoints and a TF-style state file on disk', async () => {
    const { dir, cleanup } = tempModelDir();
    dirs.push(cleanup);
    const est = newEstimator(fileStorage(dir), { keepCheckpointMax: 2, modelDir: dir });
    await est.train(inputFn(), { steps: 70 });
    const state = readFileSync(join(dir, 'checkpoint'), 'utf8');
    expect(state).toBe(
      'model_checkpoint_path: "model.ckpt-70"\nall_model_checkpoint_paths: "model.ckpt-60"\nall_model_checkpoint_paths: "model.ckpt-70"\n',
    );
    const files = readdirSync(dir).filter((f) => f.startsWith('model.ckpt'));
    expect(files.sort()).toEqual([
      'model.ckpt-60.index.json',
      'model.ckpt-60.weights.bin',
      'model.ckpt-70.index.json',
      'model.ckpt-70.weights.bin',
    ]);
    expect(await latestCheckpoint(fileStorage(dir))).toBe('model.ckpt-70');
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(false);
    est.dispose();
  });

  it('writes loss and eval summaries that TensorBoard reads', async () => {
    const { dir, cleanup } = tempModelDir();
    dirs.push(cleanup);
    const est = new Estimator({
      modelFn,
      params: { learningRate: 0.05 },
      config: new RunConfig({
        modelDir: dir,
        randomSeed: 3,
        saveSummarySteps: 5,
        saveCheckpointsSteps: 10,
        logStepCountSteps: 5,
      }),
      log: quiet,
    });
    await est.train(inputFn(), { steps: 20 });
    await est.evaluate(inputFn(64, 1));
    expect(readdirSync(dir).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(existsSync(join(dir, 'eval'))).toBe(true);
    // TensorBoard sees two runs: "." (training) and "eval" (TF's Estimator evaluates into modelDir/eval).
    const report = expectEventFiles(dir, {
      expect: ['./loss@scalar', './global_step/sec@scalar', 'eval/accuracy@scalar', 'eval/loss@scalar'],
    });
    expect(Object.keys(report.runs).sort()).toEqual(['.', 'eval']);
    expect(report.runs['.']!.tags.loss!.points.map((p) => p.step)).toEqual([1, 6, 11, 16]);
    const evalSteps = (tag: string) => report.runs.eval!.tags[tag]!.points.map((p) => p.step);
    expect([evalSteps('accuracy'), evalSteps('loss')]).toEqual([[20], [20]]);
    const accuracy = report.runs.eval!.tags.accuracy!.points[0]!.value as number;
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
    est.dispose();
  });

  it('evaluate and predict without a checkpoint fail clearly', async () => {
    const est = newEstimator(new MemoryStorage('empty'));
    await expect(est.evaluate(inputFn(64, 1))).rejects.toThrow(/could not find a trained model in memory:\/\/empty/);
    await expect(est.predict(inputFn(64, 1)).next()).rejects.toThrow(/could not find a trained model/);
    est.dispose();
  });

  it('names the field and the mode when the model_fn returns a bad spec', async () => {
    const bad =
      (spec: (loss: tf.Scalar) => unknown): ModelFn =>
      (features) => {
        const w = getVariable('w', { shape: [4, 1] });
        const loss = tf.mean(tf.matMul(features as tf.Tensor2D, w)) as tf.Scalar;
        return spec(loss) as never;
      };
    const run = (fn: ModelFn) =>
      new Estimator({
        modelFn: fn,
        config: new RunConfig({ storage: new MemoryStorage(), modelDir: 'm' }),
        log: quiet,
      }).train(inputFn(), { steps: 1 });
    await expect(run(bad(() => ({ mode: 'train' })))).rejects.toThrow(
      /model_fn in TRAIN mode: the spec needs a scalar tensor `loss`. Received undefined/,
    );
    await expect(run(bad((loss) => ({ mode: 'train', loss })))).rejects.toThrow(
      /needs `trainOp` from optimizer.minimize\(loss\)/,
    );
    await expect(run(bad((loss) => ({ mode: 'eval', loss })))).rejects.toThrow(/spec.mode must be "train"/);
    await expect(
      run(bad((loss) => ({ mode: 'train', loss: tf.reshape(loss, [1]), trainOp: new AdamOptimizer().minimize(loss) }))),
    ).rejects.toThrow(/loss must be a scalar \(rank 0\). Received a float32 tensor of shape \[1\]/);
    await expect(
      run((f, l) => {
        const logits = layers.dense(f as tf.Tensor, 5);
        const loss = losses.sparseSoftmaxCrossEntropy({ labels: tf.reshape(l as tf.Tensor, [4, -1]), logits });
        return { mode: 'train', loss, trainOp: new AdamOptimizer().minimize(loss) };
      }),
    ).rejects.toThrow(
      /labels must have shape \[batch\] \(or \[batch, 1\]\) matching logits \[32,5\]. Received labels of shape \[4,8\]/,
    );
  });

  it('rejects labels out of range for the logits, naming the label and its position', async () => {
    const badLabels = () =>
      async function* () {
        yield [
          tf.tensor2d(data.x.subarray(0, 32 * 4), [32, 4]),
          tf.tensor1d(
            Array.from({ length: 32 }, (_, i) => (i === 5 ? 3 : 0)),
            'int32',
          ),
        ] as const;
      };
    const est = newEstimator();
    await expect(est.train(badLabels(), { steps: 1 })).rejects.toThrow(
      'losses.sparseSoftmaxCrossEntropy(): labels must be integers in [0, 3) for logits with 3 classes. Received label 3 at index 5 of the batch (global step 1).',
    );
    await est.train(inputFn(), { steps: 1 });
    await expect(est.evaluate(badLabels())).rejects.toThrow(/Received label 3 at index 5/);
    // A bad label in a later batch is caught too, with the step, without an extra read per step.
    const laterBad = async function* () {
      for await (const el of inputFn(32, 1)()) yield el;
      for await (const el of badLabels()()) yield el;
    };
    await expect(est.train(laterBad, { steps: 20 })).rejects.toThrow(
      /Received label 3 at index 5 of the batch \(global step 10\)/,
    );
    est.dispose();
  });

  it('train, evaluate and predict leave the tensor count unchanged', async () => {
    const est = newEstimator();
    await est.train(inputFn(), { steps: 3 }); // optimizer slots and variables appear here
    const before = tf.memory().numTensors;
    await est.train(inputFn(), { steps: 25 });
    await est.evaluate(inputFn(64, 1));
    for await (const _ of est.predict(inputFn(64, 1))) {
      // drain
    }
    expect(tf.memory().numTensors).toBe(before);
    est.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });
});
