import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Dataset } from '@estimatorjs/data';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Estimator, type ModelFn } from '../estimator.js';
import { AdamOptimizer, getVariable, layers, losses, RunConfig } from '../index.js';
import { fileStorage } from '../node/file-storage.js';
import { readCheckpoint, readManifest, writeCheckpoint } from './checkpoint-io.js';
import { MemoryStorage } from './storage.js';

// Issue 17, item 2: a restore either loads exactly what the model_fn creates, verified, or fails naming what is wrong.
beforeAll(() => setupTestBackend('cpu'));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function dir(): string {
  const d = tempModelDir();
  cleanups.push(d.cleanup);
  return d.dir;
}

const xs = Float32Array.from({ length: 32 }, (_, i) => Math.sin(i));
const ys = Int32Array.from([0, 1, 1, 0, 1, 0, 0, 1]);
const inputFn = () =>
  Dataset.range(0, 1e6).map(() => [tf.tensor2d(xs, [8, 4]), tf.tensor1d(ys, 'int32')] as [tf.Tensor, tf.Tensor]);

/** A two-layer MLP whose first layer is named `hiddenName` (or left out). */
function mlp(hiddenName: string | null): ModelFn {
  return (features, labels, mode) => {
    const h = hiddenName ? layers.dense(features as tf.Tensor, 5, { activation: 'relu', name: hiddenName }) : features;
    const logits = layers.dense(h as tf.Tensor, 2, { name: 'logits' });
    if (mode === 'infer') return { mode, predictions: logits };
    const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
    if (mode === 'eval') return { mode, loss };
    return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.05 }).minimize(loss) };
  };
}

function est(modelDir: string, modelFn: ModelFn, log: (l: string) => void = () => {}, warm?: string) {
  return new Estimator({
    modelFn,
    config: new RunConfig({ modelDir, saveCheckpointsSteps: 10, keepCheckpointMax: 5, randomSeed: 3 }),
    log,
    ...(warm ? { warmStartFrom: warm } : {}),
  });
}

async function errorOf(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected an error');
}

async function trained(steps: number, modelFn: ModelFn = mlp('hidden')): Promise<string> {
  const d = dir();
  const e = est(d, modelFn);
  await e.train(inputFn, { maxSteps: steps });
  e.dispose();
  return d;
}

describe('variables are matched by name, both ways', () => {
  it('a renamed layer is VARIABLE_NOT_FOUND naming it, in train, evaluate and predict; warm-starting still works', async () => {
    const d = await trained(10);
    const renamed = mlp('encoder');
    const before = tf.memory().numTensors;
    for (const run of [
      (e: Estimator) => e.train(inputFn, { steps: 5 }),
      (e: Estimator) => e.evaluate(inputFn, { steps: 1 }),
      async (e: Estimator) => {
        for await (const _ of e.predict(() => Dataset.range(0, 1).map(() => tf.tensor2d(xs, [8, 4])))) break;
      },
    ]) {
      const e = est(d, renamed);
      const err = await errorOf(run(e));
      e.dispose();
      expect(err.code).toBe('VARIABLE_NOT_FOUND');
      expect(err.message).toMatch(/creates encoder\/kernel, which checkpoint model\.ckpt-10 does not hold/);
    }
    expect(tf.memory().numTensors).toBe(before);
    // Nothing was trained or saved over the checkpoint.
    expect(await fileStorage(d).list()).not.toContain('model.ckpt-15.index.json');
    // Warm-starting loads what matches by name and initializes the rest, as in TF.
    const lines: string[] = [];
    const w = est(dir(), renamed, (l) => lines.push(l), d);
    await w.train(inputFn, { steps: 2 });
    w.dispose();
    expect(lines.join('\n')).toMatch(/Warm-started \d+ variables from /);
  });

  it('a checkpoint variable the model_fn no longer creates is VARIABLE_NOT_FOUND when training resumes', async () => {
    const linear =
      (withBias: boolean): ModelFn =>
      (features, labels, mode) => {
        let logits = tf.matMul(features as tf.Tensor, getVariable('kernel', { shape: [4, 2] }));
        if (withBias) logits = tf.add(logits, getVariable('bias', { shape: [2] }));
        const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
        return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.05 }).minimize(loss) } as never;
      };
    const d = await trained(10, linear(true));
    const e = est(d, linear(false));
    const err = await errorOf(e.train(inputFn, { steps: 5 }));
    e.dispose();
    expect(err.code).toBe('VARIABLE_NOT_FOUND');
    expect(err.message).toMatch(
      /^Estimator\.train\(\): checkpoint model\.ckpt-10 holds bias, which the model_fn does not create \(it creates kernel\)/,
    );
  });

  it('optimizer slots follow their variable by name when the model_fn creates variables in another order', async () => {
    const twoVars =
      (order: 'ab' | 'ba'): ModelFn =>
      (features, labels, mode) => {
        const make = (n: string) => getVariable(n, { shape: [4, 2] });
        const [a, b] = order === 'ab' ? [make('a'), make('b')] : [make('b'), make('a')].reverse();
        const logits = tf.add(tf.matMul(features as tf.Tensor, a!), tf.mul(2, tf.matMul(features as tf.Tensor, b!)));
        const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
        return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.1 }).minimize(loss) } as never;
      };
    const values = async (d: string) => {
      const { tensors } = await readCheckpoint(fileStorage(d), 'model.ckpt-20');
      const out = { a: Array.from(await tensors.a!.data()), b: Array.from(await tensors.b!.data()) };
      tf.dispose(tensors);
      return out;
    };
    const [d1, d2] = [await trained(10, twoVars('ab')), await trained(10, twoVars('ab'))];
    for (const [d, order] of [
      [d1, 'ab'],
      [d2, 'ba'],
    ] as const) {
      const e = est(d, twoVars(order));
      await e.train(inputFn, { maxSteps: 20 });
      e.dispose();
    }
    // a's and b's Adam moments differ (b's gradient is twice a's); swapped by position, the steps would differ.
    expect(await values(d2)).toEqual(await values(d1));
  });
});

describe('checksums and the global step', () => {
  it('a flipped weight byte is CORRUPT_CHECKPOINT naming the file, the tensor and the newest older checkpoint that verifies', async () => {
    const d = await trained(30);
    const storage = fileStorage(d);
    const m = await readManifest(storage, 'model.ckpt-30');
    expect(m.version).toBe(2);
    expect(m.crc32c).toHaveLength(m.weights.length);
    // Flip one bit of logits/kernel (its bytes follow global_step, hidden/kernel and hidden/bias).
    const weights = join(d, 'model.ckpt-30.weights.bin');
    const bytes = readFileSync(weights);
    const offset = 4 + (4 * 5 + 5) * 4 + 3;
    bytes[offset]! ^= 0x10;
    writeFileSync(weights, bytes);
    const e = est(d, mlp('hidden'));
    const err = await errorOf(e.evaluate(inputFn, { steps: 1 }));
    expect(err.code).toBe('CORRUPT_CHECKPOINT');
    expect(err.message).toContain(`tensor logits/kernel in ${d}/model.ckpt-30.weights.bin`);
    expect(err.message).toMatch(/fails its CRC-32C check/);
    expect(err.message).toMatch(
      /newest older checkpoint that verifies is model\.ckpt-20: .*checkpointPath: 'model\.ckpt-20'/,
    );
    // …and that advice works.
    await expect(e.evaluate(inputFn, { steps: 1, checkpointPath: 'model.ckpt-20' })).resolves.toMatchObject({
      globalStep: 20,
    });
    e.dispose();
  });

  it('the global step must be an integer >= 0 equal to the manifest and the file name', async () => {
    const storage = new MemoryStorage();
    const step = (v: number, dtype: 'int32' | 'float32' = 'int32') => ({ global_step: tf.scalar(v, dtype) });
    const cases: [string, tf.NamedTensorMap, number, RegExp][] = [
      ['model.ckpt-7', step(8), 7, /global_step tensor holds 8 but its manifest says 7/],
      ['model.ckpt-7', step(7), 9, /its name says step 7 but its manifest says 9/],
      ['model.ckpt-7', step(Number.NaN, 'float32'), 7, /global_step tensor holds NaN, not one integer >= 0/],
      ['model.ckpt-7', step(-1), 7, /holds -1, not one integer >= 0/],
    ];
    for (const [prefix, tensors, manifestStep, message] of cases) {
      // NaN is refused at save: write it as a version 1 manifest by hand.
      if (Number.isNaN((await tensors.global_step!.data())[0]!)) {
        await writeCheckpoint(storage, prefix, { global_step: tf.scalar(7, 'int32') }, manifestStep);
        await storage.writeAtomic(`${prefix}.weights.bin`, new Uint8Array(new Float32Array([Number.NaN]).buffer));
        const m = JSON.parse(new TextDecoder().decode((await storage.read(`${prefix}.index.json`))!));
        m.weights[0].dtype = 'float32';
        delete m.crc32c;
        m.version = 1;
        await storage.writeAtomic(`${prefix}.index.json`, JSON.stringify(m));
      } else {
        await writeCheckpoint(storage, prefix, tensors, manifestStep);
      }
      tf.dispose(tensors);
      await expect(readCheckpoint(storage, prefix)).rejects.toThrow(message);
    }
  });

  it('a model with a NaN or infinite weight is never saved', async () => {
    const storage = new MemoryStorage();
    const t = tf.tensor1d([1, Number.POSITIVE_INFINITY, 3]);
    await expect(writeCheckpoint(storage, 'model.ckpt-3', { 'dense/bias': t }, 3)).rejects.toMatchObject({
      code: 'NON_FINITE_WEIGHTS',
      message: expect.stringMatching(/^Saving checkpoint model\.ckpt-3: dense\/bias holds Infinity at flat index 1/),
    });
    t.dispose();
    expect(await storage.list()).toEqual([]);
  });

  it('a version 1 checkpoint (no checksums) still restores, and the log says it was not verified, once', async () => {
    const d = await trained(10);
    const path = join(d, 'model.ckpt-10.index.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    delete m.crc32c;
    m.version = 1;
    writeFileSync(path, JSON.stringify(m));
    const lines: string[] = [];
    const e = est(d, mlp('hidden'), (l) => lines.push(l));
    await e.evaluate(inputFn, { steps: 1 });
    await e.train(inputFn, { maxSteps: 20 });
    e.dispose();
    expect(lines.filter((l) => /without checksum verification/.test(l))).toEqual([
      'Restoring model.ckpt-10 without checksum verification: it was written in checkpoint format version 1, before per-tensor CRC-32C checksums. Checkpoints saved from now on carry them.',
    ]);
    expect((await readManifest(fileStorage(d), 'model.ckpt-20')).version).toBe(2);
  });
});
