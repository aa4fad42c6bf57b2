import { Dataset } from '@estimatorjs/data';
import type { Hook } from '@estimatorjs/hooks';
import { readEvents } from '@estimatorjs/summary/node';
import { expectEventFiles, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listVariables, loadVariable } from './checkpoint/checkpoint-io.js';
import { CheckpointManager } from './checkpoint/checkpoint-manager.js';
import { MemoryStorage } from './checkpoint/storage.js';
import { Estimator, type ModelFn } from './estimator.js';
import { AdamOptimizer, layers, losses, RunConfig, summary } from './index.js';
import { fileStorage } from './node/file-storage.js';

beforeAll(() => setupTestBackend('cpu'));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
  vi.restoreAllMocks();
});
const quiet = () => {};

const N = 512;
const xs = new Float32Array(N * 8).map((_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
const ys = Int32Array.from({ length: N }, (_, i) => (xs[i * 8]! + xs[i * 8 + 1]! > 1 ? 1 : 0));

const modelFn: ModelFn = (features, labels, mode) => {
  const x = features as tf.Tensor;
  summary.image('input', tf.reshape(x, [-1, 2, 4, 1]), { maxOutputs: 2 });
  const hidden = layers.dense(x, 16, { activation: 'relu', name: 'hidden' });
  summary.histogram('hidden_activations', hidden);
  const logits = layers.dense(layers.dropout(hidden, { rate: 0.25 }), 2, { name: 'logits' });
  if (mode === 'infer') return { mode, predictions: logits };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
  if (mode === 'eval') return { mode, loss };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
};

/** The deterministic pipeline of the acceptance test: slices → repeat → seeded shuffle → batch. */
let columns: [tf.Tensor, tf.Tensor] | null = null;
const inputFn = () => {
  columns ??= [tf.tensor2d(xs, [N, 8]), tf.tensor1d(ys, 'int32')];
  return Dataset.fromTensorSlices(columns).repeat().shuffle(200, { seed: 7 }).batch(32);
};

function estimator(dir: string, extra: Partial<ConstructorParameters<typeof RunConfig>[0]> = {}) {
  return new Estimator({
    modelFn,
    config: new RunConfig({
      modelDir: dir,
      randomSeed: 11,
      saveCheckpointsSteps: 1000,
      saveSummarySteps: 10,
      logStepCountSteps: 1000,
      ...extra,
    }),
    log: quiet,
  });
}

async function weights(dir: string, prefix: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const [name] of await listVariables(fileStorage(dir), prefix)) {
    const t = await loadVariable(fileStorage(dir), prefix, name);
    out.set(name, Array.from(await t.data()));
    t.dispose();
  }
  return out;
}

describe('exact resume', () => {
  it('60 steps in one go equals 30 + 30 with a restart in between, bit for bit (weights, slots, input position)', async () => {
    const a = tempModelDir();
    const b = tempModelDir();
    cleanups.push(a.cleanup, b.cleanup);
    const one = estimator(a.dir);
    await one.train(inputFn, { maxSteps: 60 });
    one.dispose();
    const first = estimator(b.dir);
    await first.train(inputFn, { maxSteps: 30 });
    first.dispose();
    const lines: string[] = [];
    const second = new Estimator({ modelFn, config: estimator(b.dir).config, log: (l) => lines.push(l) });
    await second.train(inputFn, { maxSteps: 60 });
    second.dispose();
    expect(lines).toContain('Restored the input pipeline position (30 elements in).');
    const wa = await weights(a.dir, 'model.ckpt-60');
    const wb = await weights(b.dir, 'model.ckpt-60');
    expect([...wb.keys()].sort()).toEqual([...wa.keys()].sort());
    expect(wa.has('optimizer/beta1_power')).toBe(true);
    for (const [name, values] of wa) expect(wb.get(name), name).toEqual(values);
  });

  it('without saving the input position the resumed run sees different batches', async () => {
    const a = tempModelDir();
    const b = tempModelDir();
    cleanups.push(a.cleanup, b.cleanup);
    const one = estimator(a.dir, { saveInputState: false });
    await one.train(inputFn, { maxSteps: 20 });
    one.dispose();
    const first = estimator(b.dir, { saveInputState: false });
    await first.train(inputFn, { maxSteps: 10 });
    first.dispose();
    const second = estimator(b.dir, { saveInputState: false });
    await second.train(inputFn, { maxSteps: 20 });
    second.dispose();
    const wa = await weights(a.dir, 'model.ckpt-20');
    const wb = await weights(b.dir, 'model.ckpt-20');
    expect(wb.get('hidden/kernel')).not.toEqual(wa.get('hidden/kernel'));
  });
});

describe('training summaries', () => {
  it('writes loss, learning rate, gradient norm, variable histograms, model_fn summaries and the graph', async () => {
    const { dir, cleanup } = tempModelDir();
    cleanups.push(cleanup);
    const est = estimator(dir);
    await est.train(inputFn, { steps: 25 });
    est.dispose();
    // The independent oracle, strict (no warnings either), then our own reader for the steps and the graph.
    const report = expectEventFiles(dir, {
      strict: true,
      expect: [
        './loss@scalar',
        './learning_rate@scalar',
        './global_norm/gradient_norm@scalar',
        './hidden/kernel@histogram',
        './logits/bias@histogram',
        './hidden_activations@histogram',
        './input/image/0@image',
      ],
    });
    expect(report.runs['.']!.graphDefs).toHaveLength(1);
    expect(report.runs['.']!.tags['hidden/kernel']!.points[0]!.value).toMatchObject({ count: 8 * 16 });
    expect(report.runs['.']!.tags['input/image/0']!.points[0]!.value).toMatchObject({
      width: 4,
      height: 2,
      format: 'png',
    });
    const steps = new Map<string, number[]>();
    let graphNodes = 0;
    for await (const ev of readEvents(dir)) {
      if (ev.graphDef) graphNodes = ev.graphDef.length;
      for (const v of ev.summary?.value ?? []) steps.set(v.tag, [...(steps.get(v.tag) ?? []), Number(ev.step)]);
    }
    expect(steps.get('learning_rate')).toEqual([1, 11, 21]);
    expect(steps.get('loss')).toEqual([1, 11, 21]);
    expect(graphNodes).toBeGreaterThan(0);
  });
});

describe('warm start', () => {
  it('initializes the selected variables of a fresh model from another model directory, renamed if asked', async () => {
    const src = tempModelDir();
    const dst = tempModelDir();
    cleanups.push(src.cleanup, dst.cleanup);
    const a = estimator(src.dir);
    await a.train(inputFn, { steps: 5 });
    a.dispose();
    const renamed: ModelFn = (features, labels) => {
      const x = features as tf.Tensor;
      const hidden = layers.dense(x, 16, { activation: 'relu', name: 'encoder' });
      const logits = layers.dense(hidden, 2, { name: 'logits' });
      const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
      return { mode: 'train', loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) } as never;
    };
    const lines: string[] = [];
    const b = new Estimator({
      modelFn: renamed,
      config: new RunConfig({ modelDir: dst.dir, randomSeed: 99 }),
      warmStartFrom: {
        ckptToInitializeFrom: src.dir,
        varsToWarmStart: '^encoder/',
        varNameToPrevVarName: { 'encoder/kernel': 'hidden/kernel', 'encoder/bias': 'hidden/bias' },
      },
      log: (l) => lines.push(l),
    });
    await b.train(inputFn, { steps: 1 });
    b.dispose();
    expect(lines).toContain(`Warm-started 2 variables from ${src.dir}.`);
    // One Adam step moves each weight by at most ~learning rate, so warm-started values stay close to the source.
    const before = await weights(src.dir, 'model.ckpt-5');
    const after = await weights(dst.dir, 'model.ckpt-1');
    const diff = after.get('encoder/kernel')!.map((v, i) => Math.abs(v - before.get('hidden/kernel')![i]!));
    expect(Math.max(...diff)).toBeLessThan(0.011);
    expect(after.get('global_step')).toEqual([1]);
    await expect(
      new Estimator({
        modelFn,
        config: new RunConfig({ modelDir: tempModelDir().dir }),
        warmStartFrom: '/no/such/dir',
        log: quiet,
      }).train(inputFn, { steps: 1 }),
    ).rejects.toThrow(/warmStartFrom: \/no\/such\/dir holds no checkpoint/);
  });
});

describe('checkpoint retention', () => {
  it('keeps keepCheckpointMax newest plus one checkpoint per keepCheckpointEveryNHours', async () => {
    const storage = new MemoryStorage('r');
    const manager = new CheckpointManager(storage, { keepMax: 2, keepEveryNHours: 1 });
    const t = tf.scalar(1);
    let now = 0;
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    for (const [step, minutes] of [
      [1, 0],
      [2, 30],
      [3, 70],
      [4, 80],
      [5, 130],
      [6, 140],
    ] as const) {
      now = minutes * 60_000;
      await manager.save(step, { w: t });
    }
    t.dispose();
    const manifests = (await storage.list()).filter((f) => f.endsWith('.index.json'));
    // Kept by age: step 1 (t=0) and step 3 (t=70 min, an hour after step 1); newest two: 5 and 6.
    expect(manifests.sort()).toEqual([
      'model.ckpt-1.index.json',
      'model.ckpt-3.index.json',
      'model.ckpt-5.index.json',
      'model.ckpt-6.index.json',
    ]);
  });
});

describe('hook context at end', () => {
  it('gives end() the last step’s values', async () => {
    let seen: unknown;
    const hook: Hook = {
      beforeRun: () => ({ fetch: { loss: 'loss' } }),
      end: (ctx) => {
        seen = ctx.lastValues;
      },
    };
    const est = new Estimator({
      modelFn,
      config: new RunConfig({ storage: new MemoryStorage(), modelDir: 'm' }),
      log: quiet,
    });
    await est.train(inputFn, { steps: 3, hooks: [hook] });
    est.dispose();
    expect(seen).toMatchObject({ global_step: 3 });
    expect(typeof (seen as { loss: number }).loss).toBe('number');
  });
});

describe('leaks', () => {
  it('training with summaries and a restored input position leaks nothing', async () => {
    const { dir, cleanup } = tempModelDir();
    cleanups.push(cleanup);
    const est = estimator(dir);
    await est.train(inputFn, { steps: 3 });
    const before = tf.memory().numTensors;
    await est.train(inputFn, { steps: 12 });
    expect(tf.memory().numTensors).toBe(before);
    est.dispose();
  });
});

describe('Estimator.train() hyperparameters', () => {
  it('writes the plain entries of params once per train() as the hparams text table', async () => {
    const { dir, cleanup } = tempModelDir('est-hparams-');
    cleanups.push(cleanup);
    const params = { learning_rate: 0.01, hidden: 16, optimizer: 'adam', columns: ['x'] };
    const est = new Estimator({
      modelFn,
      params,
      config: new RunConfig({ modelDir: dir, randomSeed: 11, saveCheckpointsSteps: 1000, logStepCountSteps: 1000 }),
      log: quiet,
    });
    await est.train(inputFn, { steps: 2 });
    await est.train(inputFn, { steps: 1 });
    const texts: [number, string][] = [];
    for await (const ev of readEvents(dir))
      for (const v of ev.summary?.value ?? [])
        if (v.tag === 'hparams') texts.push([ev.step, new TextDecoder().decode(v.tensor!.stringVal[0])]);
    const table = '| hparam | value |\n|---|---|\n| hidden | 16 |\n| learning_rate | 0.01 |\n| optimizer | adam |';
    expect(texts).toEqual([
      [0, table],
      [2, table],
    ]);
  });
});
