import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Dataset } from '@estimatorjs/data';
import { MemoryStorage, readCheckpoint } from '@estimatorjs/estimator';
import { fileStorage } from '@estimatorjs/estimator/node';
import { SummaryError } from '@estimatorjs/summary';
import { createFileWriter } from '@estimatorjs/summary/node';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH, FEATURES, makeEstimator, makeInputFn } from './fixture.mjs';
import { rejection, tempDirs } from './helpers.js';

const dir = tempDirs('estimatorjs-safety-');
beforeAll(() => setupTestBackend('cpu'));

const evalInput = () =>
  Dataset.range(0, 2).map(() => [tf.zeros([BATCH, FEATURES]), tf.zeros([BATCH], 'int32')] as const);

/** A parent directory holding a trained model dir `model/` and, beside it, a trained `outside/`. */
async function trainedPair(): Promise<{ root: string; model: string; outside: string }> {
  const root = dir();
  const model = join(root, 'model');
  const outside = join(root, 'outside');
  for (const d of [model, outside]) {
    const est = makeEstimator({ modelDir: d, saveEvery: 5 });
    await est.train(makeInputFn(), { maxSteps: 5 });
    est.dispose();
  }
  return { root, model, outside };
}

describe('names can never escape the model directory', () => {
  it('checkpoint prefixes given to evaluate() and predict() are rejected when they are paths', async () => {
    const { model, outside } = await trainedPair();
    for (const checkpointPath of [
      '../outside/model.ckpt-5',
      join(outside, 'model.ckpt-5'),
      '..\\outside\\model.ckpt-5',
      'C:model.ckpt-5',
      '..',
    ]) {
      const est = makeEstimator({ modelDir: model });
      const e = await rejection(() => est.evaluate(evalInput, { checkpointPath }));
      expect(e.code, checkpointPath).toBe('UNSAFE_NAME');
      expect(e.message).toContain(JSON.stringify(checkpointPath));
      const p = await rejection(async () => {
        for await (const _ of est.predict(() => Dataset.range(0, 1).map(() => tf.zeros([1, FEATURES])), {
          checkpointPath,
        }));
      });
      expect(p.code, checkpointPath).toBe('UNSAFE_NAME');
      est.dispose();
    }
  });

  it('evaluate({ name }) must be a plain name', async () => {
    const { model, root } = await trainedPair();
    for (const name of ['../x', '/tmp/x', 'a/b', '..\\x']) {
      const est = makeEstimator({ modelDir: model });
      const e = await rejection(() => est.evaluate(evalInput, { name }));
      expect(e.code, name).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(JSON.stringify(name));
      est.dispose();
    }
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it('a tampered state file or manifest pointing outside is refused, not followed', async () => {
    const { model, outside } = await trainedPair();
    const state = join(model, 'checkpoint');
    for (const target of ['../outside/model.ckpt-5', resolve(outside, 'model.ckpt-5')]) {
      writeFileSync(state, `model_checkpoint_path: ${JSON.stringify(target)}\n`);
      const est = makeEstimator({ modelDir: model });
      const e = await rejection(() => est.train(makeInputFn(), { maxSteps: 10 }));
      expect(e.code, target).toBe('UNSAFE_NAME');
      est.dispose();
    }
    writeFileSync(state, 'model_checkpoint_path: "model.ckpt-5"\n');
    const manifestPath = join(model, 'model.ckpt-5.index.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const weightsFile of ['../outside/model.ckpt-5.weights.bin', join(outside, 'model.ckpt-5.weights.bin')]) {
      writeFileSync(manifestPath, JSON.stringify({ ...manifest, weightsFile }));
      const e = await rejection(() => readCheckpoint(fileStorage(model), 'model.ckpt-5'));
      expect(e.code, weightsFile).toBe('UNSAFE_NAME');
    }
  });

  it('storages reject path-like names on every operation', async () => {
    const root = dir();
    for (const storage of [fileStorage(join(root, 'm')), new MemoryStorage('m')]) {
      for (const name of ['../x', '/etc/passwd', 'a/b', 'a\\b', '', '.', '..', 'x\0y']) {
        for (const op of [
          () => storage.read(name),
          () => storage.writeAtomic(name, 'data'),
          () => storage.remove(name),
        ]) {
          const e = await rejection(op);
          expect(e.code, `${storage.location} ${JSON.stringify(name)}`).toBe('UNSAFE_NAME');
        }
      }
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('summary writers keep event files inside their log directory', async () => {
    const root = dir();
    const logdir = join(root, 'logs');
    mkdirSync(logdir);
    for (const filenameSuffix of ['/../../escaped', '\\..\\escaped', '..']) {
      expect(() => createFileWriter(logdir, { filenameSuffix })).toThrow(SummaryError);
    }
    const w = createFileWriter(logdir, { filenameSuffix: '.v2' });
    w.scalar('x', 1, 1);
    await w.close();
    expect(readdirSync(root)).toEqual(['logs']);
    expect(readdirSync(logdir)).toHaveLength(1);
    expect(readdirSync(logdir)[0]).toMatch(/^events\.out\.tfevents\.\d+\..+\.v2$/);
  });
});

describe('manifests are validated before use; nothing read from disk runs as code', () => {
  it('a manifest with __proto__ keys or code in its fields is data, never executed or merged', async () => {
    const storage = new MemoryStorage('proto');
    const hostile = [
      '{"__proto__": {"polluted": true}, "format": "estimatorjs-checkpoint", "version": 1, "globalStep": 1, "weightsFile": "w.bin", "byteLength": 0, "weights": []}',
      '{"format": "estimatorjs-checkpoint", "version": 1, "globalStep": 1, "weightsFile": "w.bin", "byteLength": 4, "weights": [{"name": "__proto__", "shape": [1], "dtype": "float32"}]}',
      '{"format": "estimatorjs-checkpoint", "version": 1, "globalStep": 1, "weightsFile": "w.bin", "byteLength": 4, "weights": [{"name": "constructor", "shape": [1], "dtype": "float32"}]}',
      '(() => { globalThis.polluted = true; return {}; })()',
      '{"format": "estimatorjs-checkpoint", "version": 1, "globalStep": "globalThis.polluted = true", "weightsFile": "w.bin", "byteLength": 0, "weights": []}',
    ];
    for (const text of hostile) {
      await storage.writeAtomic('x.index.json', text);
      await storage.writeAtomic('w.bin', new Uint8Array(4));
      const before = tf.memory().numTensors;
      try {
        const { tensors } = await readCheckpoint(storage, 'x');
        tf.dispose(tensors);
      } catch (e) {
        expect((e as { code?: string }).code, text).toMatch(/^[A-Z_]+$/);
      }
      expect(tf.memory().numTensors, text).toBe(before);
      expect(({} as Record<string, unknown>).polluted, text).toBeUndefined();
      expect((globalThis as Record<string, unknown>).polluted, text).toBeUndefined();
    }
  });

  it('no library source evaluates strings as code (eval, new Function, string timers, import() of data)', () => {
    const repo = resolve(__dirname, '..', '..', '..', '..');
    const offenders: string[] = [];
    const walk = (d: string) => {
      for (const ent of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, ent.name);
        if (ent.isDirectory()) walk(p);
        else if (/\.ts$/.test(ent.name) && !/\.test(-d)?\.ts$/.test(ent.name)) {
          const src = readFileSync(p, 'utf8');
          if (/\beval\s*\(|\bnew\s+Function\s*\(|(?<![.\w])Function\s*\(|set(Timeout|Interval)\s*\(\s*['"`]/.test(src))
            offenders.push(p);
        }
      }
    };
    for (const pkg of ['data', 'hooks', 'summary', 'estimator', 'experiment', 'backends']) {
      walk(join(repo, 'packages', pkg, 'src'));
    }
    expect(offenders).toEqual([]);
  });
});
