/**
 * A process killed with SIGKILL during an export leaves no new export directory or a complete one. The child
 * stops itself at a known point (the `onStage` callback) and tells the parent, which kills it there: no timing.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Estimator, RunConfig } from '@estimatorjs/estimator';
import { describeWithTool, loadGraphModelFromDir, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEMP_EXPORT_PREFIX } from './export-saved-model.js';
import { makeRows, rowsInputFn } from './test/data.test-util.js';
import { mlpModelFn } from './test/models.test-util.js';

const entry = new URL('../dist/index.js', import.meta.url).pathname;
/** The child imports the built package (CI builds before testing: there a missing dist fails, not skips). */
const builtExport = {
  name: '@estimatorjs/export dist',
  missing: existsSync(entry) ? null : `${entry} does not exist`,
  install: 'pnpm build',
};

const tmp = tempModelDir('export-kill-');
afterAll(() => tmp.cleanup());
const modelDir = join(tmp.dir, 'model');

beforeAll(async () => {
  await setupTestBackend('cpu');
  const est = new Estimator({ modelFn: mlpModelFn, config: new RunConfig({ modelDir, randomSeed: 1 }), log: () => {} });
  await est.train(rowsInputFn(makeRows(32, 20, 2), 20, 16), { steps: 2 });
  est.dispose();
});

/** Runs an export in a child that stops at `stage`, kills it with SIGKILL there, and returns the export base. */
async function killAt(stage: 'written' | 'renamed'): Promise<string> {
  const base = join(tmp.dir, `export-${stage}`);
  const script = `
    import '@tensorflow/tfjs-backend-cpu';
    import * as tf from '@tensorflow/tfjs-core';
    import { Estimator, RunConfig, layers, losses, AdamOptimizer } from '@estimatorjs/estimator';
    import { exportSavedModel, buildRawServingInputReceiverFn } from ${JSON.stringify(entry)};
    await tf.setBackend('cpu');
    const modelFn = (features, labels, mode) => {
      const h = layers.dense(features.x, 32, { activation: 'relu', name: 'hidden' });
      const h2 = layers.dense(h, 16, { activation: 'tanh', name: 'hidden2' });
      const logits = layers.dense(h2, 10, { name: 'logits' });
      return { mode, predictions: { probabilities: tf.softmax(logits), classes: tf.argMax(logits, 1) } };
    };
    const est = new Estimator({ modelFn, config: new RunConfig({ modelDir: ${JSON.stringify(modelDir)} }), log: () => {} });
    await exportSavedModel(est, ${JSON.stringify(base)}, buildRawServingInputReceiverFn({ x: { dtype: 'float32', shape: [null, 20] } }), {
      onStage: async (stage) => {
        if (stage !== ${JSON.stringify(stage)}) return;
        process.stdout.write('STOPPED\\n');
        await new Promise(() => {});
      },
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('STOPPED')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before the stop point: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return base;
}

describeWithTool({ describe, it }, builtExport, 'kill -9 during exportSavedModel()', () => {
  it('killed after writing, before the rename: no export directory (only a temp- one)', async () => {
    const base = await killAt('written');
    const entries = readdirSync(base);
    expect(entries.filter((e) => /^\d+$/.test(e))).toEqual([]);
    expect(entries.every((e) => e.startsWith(TEMP_EXPORT_PREFIX))).toBe(true);
  });

  it('killed after the rename: one complete export that loads', async () => {
    const base = await killAt('renamed');
    const dirs = readdirSync(base).filter((e) => /^\d+$/.test(e));
    expect(dirs).toHaveLength(1);
    const dir = join(base, dirs[0]!);
    expect(JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')).globalStep).toBe(2);
    const model = await loadGraphModelFromDir(join(dir, 'graph_model'));
    const x = tf.ones([2, 20]);
    const out = model.execute({ x }, ['probabilities']) as tf.Tensor;
    expect(out.shape).toEqual([2, 10]);
    tf.dispose([x, out]);
    model.dispose();
  });
});
