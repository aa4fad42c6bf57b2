import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Estimator, ModelFn } from '@estimatorjs/estimator';
import { describeBackends, loadGraphModelFromDir, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSavedModel } from './export-saved-model.js';
import { buildRawServingInputReceiverFn } from './serving-input-receivers.js';
import { makeRows, rowsInputFn } from './test/data.test-util.js';
import { bnEmbeddingModelFn, cnnModelFn, layersModelFn, mlpModelFn } from './test/models.test-util.js';
import { trainTestModel } from './test/trained.test-util.js';

const RANDOM_OPS = ['RandomUniform', 'RandomStandardNormal', 'RandomUniformInt', 'TruncatedNormal', 'Multinomial'];

interface Case {
  name: string;
  modelFn: ModelFn;
  width: number;
  receiver: Parameters<typeof buildRawServingInputReceiverFn>[0];
  feed: (x: tf.Tensor, id: tf.Tensor) => Record<string, tf.Tensor>;
}

const CASES: Case[] = [
  {
    name: 'MLP',
    modelFn: mlpModelFn,
    width: 20,
    receiver: { x: { dtype: 'float32', shape: [null, 20] } },
    feed: (x) => ({ x }),
  },
  {
    name: 'MNIST-shaped CNN',
    modelFn: cnnModelFn,
    width: 784,
    receiver: { image: { dtype: 'float32', shape: [null, 784] } },
    feed: (x) => ({ image: x }),
  },
  {
    name: 'batch norm + embedding',
    modelFn: bnEmbeddingModelFn,
    width: 6,
    receiver: { x: { dtype: 'float32', shape: [null, 6] }, id: { dtype: 'int32', shape: [null] } },
    feed: (x, id) => ({ x, id }),
  },
  {
    name: 'tfjs-layers (useLayer)',
    modelFn: layersModelFn,
    width: 12,
    receiver: { x: { dtype: 'float32', shape: [null, 12] } },
    feed: (x) => ({ x }),
  },
];

async function predictAll(est: Estimator, rows: ReturnType<typeof makeRows>, width: number) {
  const probs: number[] = [];
  const classes: number[] = [];
  for await (const p of est.predict(rowsInputFn(rows, width, 25, false))) {
    const r = p as Record<string, Float32Array | number>;
    probs.push(...(r.probabilities as Float32Array));
    classes.push(r.classes as number);
  }
  return { probs, classes };
}

describeBackends('exportSavedModel() → tfjs-converter loadGraphModel', { describe, beforeAll }, (backend) => {
  for (const c of CASES) {
    describe(c.name, () => {
      const tmp = tempModelDir('export-');
      afterAll(() => tmp.cleanup());
      let est: Estimator;
      let exportDir: string;
      const rows = makeRows(100, c.width, 11);

      beforeAll(async () => {
        est = await trainTestModel(c.modelFn, join(tmp.dir, 'model'), c.width, backend);
        exportDir = await exportSavedModel(est, join(tmp.dir, 'export'), buildRawServingInputReceiverFn(c.receiver));
      });
      afterAll(() => est?.dispose());

      it('writes <unix seconds>/ with graph_model/model.json, shards and export.json, and no temp dir', () => {
        const base = join(tmp.dir, 'export');
        expect(readdirSync(base)).toEqual([exportDir.slice(base.length + 1)]);
        expect(exportDir.slice(base.length + 1)).toMatch(/^\d{10}$/);
        const json = JSON.parse(readFileSync(join(exportDir, 'graph_model', 'model.json'), 'utf8'));
        expect(json.format).toBe('graph-model');
        for (const p of json.weightsManifest[0].paths) expect(existsSync(join(exportDir, 'graph_model', p))).toBe(true);
        const manifest = JSON.parse(readFileSync(join(exportDir, 'export.json'), 'utf8'));
        expect(manifest.globalStep).toBe(4);
        expect(manifest.checkpointPath).toBe(join(tmp.dir, 'model', 'model.ckpt-4'));
        expect(Object.keys(manifest.signatures)).toContain('serving_default');
      });

      it('contains no random op (dropout is off in PREDICT)', () => {
        const json = JSON.parse(readFileSync(join(exportDir, 'graph_model', 'model.json'), 'utf8'));
        const ops = new Set<string>(json.modelTopology.node.map((n: { op: string }) => n.op));
        for (const r of RANDOM_OPS) expect(ops.has(r)).toBe(false);
      });

      it(`reproduces estimator.predict on 100 inputs within 1e-5 [${backend}]`, async () => {
        const expected = await predictAll(est, rows, c.width);
        const model = await loadGraphModelFromDir(join(exportDir, 'graph_model'));
        const before = tf.memory().numTensors;
        const x = tf.tensor2d(rows.x, [100, c.width]);
        const id = tf.tensor1d(rows.id, 'int32');
        const inputs = c.feed(x, id);
        const names = Object.keys((model.modelSignature as { outputs: Record<string, unknown> }).outputs);
        const outKey = names.includes('probabilities') ? 'probabilities' : 'scores';
        const out = model.execute(inputs, [outKey]) as tf.Tensor;
        const got = await out.data();
        tf.dispose([x, id, out]);
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
        expect(got.length).toBe(expected.probs.length);
        let maxDiff = 0;
        for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - expected.probs[i]!));
        expect(maxDiff).toBeLessThanOrEqual(1e-5);
      });
    });
  }
});
