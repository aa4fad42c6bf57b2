/**
 * End to end: train each test model a few steps, exportSavedModel(..., { formats: ['onnx'] }), run model.onnx in
 * onnxruntime-node and compare with estimator.predict on 100 inputs (max abs difference ≤ 1e-5), at two batch
 * sizes (the batch dim is symbolic), with the estimator on the cpu and the wasm backend. onnxruntime-web (its wasm
 * execution provider, in Node) loads the same file and gives the same numbers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Estimator, type ModelFn, RunConfig } from '@estimatorjs/estimator';
import { ProtoReader } from '@estimatorjs/io';
import { describeBackends, tempModelDir } from '@estimatorjs/testing';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSavedModel } from '../export-saved-model.js';
import { buildParsingServingInputReceiverFn, buildRawServingInputReceiverFn } from '../serving-input-receivers.js';
import { makeRows, rowsInputFn } from '../test/data.test-util.js';
import { bnEmbeddingModelFn, cnnModelFn, layersModelFn, mlpModelFn } from '../test/models.test-util.js';
import { trainTestModel } from '../test/trained.test-util.js';
import { maxAbsDiff } from './graph-fixture.test-util.js';

interface Case {
  name: string;
  modelFn: ModelFn;
  width: number;
  receiver: Parameters<typeof buildRawServingInputReceiverFn>[0];
  /** The ONNX output holding the class probabilities (a ClassificationOutput names them `scores`). */
  probabilities: string;
}

const CASES: Case[] = [
  {
    name: 'MLP',
    modelFn: mlpModelFn,
    width: 20,
    receiver: { x: { dtype: 'float32', shape: [null, 20] } },
    probabilities: 'probabilities',
  },
  {
    name: 'MNIST-shaped CNN',
    modelFn: cnnModelFn,
    width: 784,
    receiver: { image: { dtype: 'float32', shape: [null, 784] } },
    probabilities: 'scores',
  },
  {
    name: 'batch norm + embedding',
    modelFn: bnEmbeddingModelFn,
    width: 6,
    receiver: { x: { dtype: 'float32', shape: [null, 6] }, id: { dtype: 'int32', shape: [null] } },
    probabilities: 'probabilities',
  },
  {
    name: 'tfjs-layers (useLayer)',
    modelFn: layersModelFn,
    width: 12,
    receiver: { x: { dtype: 'float32', shape: [null, 12] } },
    probabilities: 'probabilities',
  },
];

const N = 100;
const RANDOM_OPS = [
  'RandomUniform',
  'RandomNormal',
  'RandomUniformLike',
  'RandomNormalLike',
  'Multinomial',
  'Dropout',
  'Bernoulli',
];
const text = new TextDecoder();

/** The op_type of every node of model.onnx (ModelProto.graph = 7 → GraphProto.node = 1 → NodeProto.op_type = 4). */
function onnxOpTypes(bytes: Uint8Array): string[] {
  const ops: string[] = [];
  for (const g of new ProtoReader(bytes, 'ModelProto').fields()) {
    if (g.field !== 7) continue;
    for (const n of new ProtoReader(g.bytes, 'GraphProto').fields()) {
      if (n.field !== 1) continue;
      for (const f of new ProtoReader(n.bytes, 'NodeProto').fields()) if (f.field === 4) ops.push(text.decode(f.bytes));
    }
  }
  return ops;
}

async function predictAll(est: Estimator, rows: ReturnType<typeof makeRows>, width: number): Promise<Float32Array> {
  const probs: number[] = [];
  for await (const p of est.predict(rowsInputFn(rows, width, 25, false))) {
    probs.push(...((p as Record<string, Float32Array>).probabilities as Float32Array));
  }
  return Float32Array.from(probs);
}

/** The ONNX feeds for rows [from, to): every receiver key the case declares. */
function feeds(c: Case, rows: ReturnType<typeof makeRows>, from: number, to: number): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  const n = to - from;
  for (const key of Object.keys(c.receiver)) {
    out[key] =
      key === 'id'
        ? new ort.Tensor('int32', rows.id.slice(from, to), [n])
        : new ort.Tensor('float32', rows.x.slice(from * c.width, to * c.width), [n, c.width]);
  }
  return out;
}

describeBackends('exportSavedModel({ formats: [onnx] }) → onnxruntime-node', { describe, beforeAll }, (backend) => {
  for (const c of CASES) {
    describe(c.name, () => {
      const tmp = tempModelDir('export-onnx-');
      afterAll(() => tmp.cleanup());
      let est: Estimator;
      let exportDir: string;
      let session: ort.InferenceSession;
      const rows = makeRows(N, c.width, 11);

      beforeAll(async () => {
        est = await trainTestModel(c.modelFn, join(tmp.dir, 'model'), c.width, backend);
        exportDir = await exportSavedModel(est, join(tmp.dir, 'export'), buildRawServingInputReceiverFn(c.receiver), {
          formats: ['onnx'],
        });
        session = await ort.InferenceSession.create(readFileSync(join(exportDir, 'model.onnx')), {
          executionProviders: ['cpu'],
          logSeverityLevel: 3,
        });
      });
      afterAll(async () => {
        await session?.release();
        est?.dispose();
      });

      it(`onnxruntime-web (wasm, in Node) loads model.onnx and reproduces estimator.predict within 1e-5 [${backend}]`, async () => {
        const expected = await predictAll(est, rows, c.width);
        ortWeb.env.wasm.numThreads = 1;
        const web = await ortWeb.InferenceSession.create(readFileSync(join(exportDir, 'model.onnx')), {
          executionProviders: ['wasm'],
        });
        try {
          const webFeeds: Record<string, ortWeb.Tensor> = {};
          for (const [k, t] of Object.entries(feeds(c, rows, 0, N))) {
            webFeeds[k] = new ortWeb.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
          }
          const out = await web.run(webFeeds);
          expect(maxAbsDiff(out[c.probabilities]!.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
        } finally {
          await web.release();
        }
      });

      it('writes model.onnx and export.json only (no graph_model when not asked for)', () => {
        expect(readdirSync(exportDir).sort()).toEqual(['export.json', 'model.onnx']);
        expect(existsSync(join(exportDir, 'graph_model'))).toBe(false);
      });

      it('holds no random op, and the CNN its convolutions as NCHW Conv between Transposes', () => {
        const ops = onnxOpTypes(readFileSync(join(exportDir, 'model.onnx')));
        expect(ops.length).toBeGreaterThan(3);
        for (const r of RANDOM_OPS) expect(ops).not.toContain(r);
        if (c.name === 'MNIST-shaped CNN') {
          expect(ops.filter((o) => o === 'Conv')).toHaveLength(2);
          expect(ops).toContain('MaxPool');
          expect(ops).toContain('AveragePool');
          expect(ops.filter((o) => o === 'Transpose').length).toBeGreaterThanOrEqual(8);
        }
      });

      it('names the inputs by the receiver keys and gives them a symbolic batch dim', () => {
        expect([...session.inputNames].sort()).toEqual(Object.keys(c.receiver).sort());
        expect(session.outputNames).toContain(c.probabilities);
      });

      it(`reproduces estimator.predict on ${N} inputs within 1e-5, at batch ${N} and batch 7 [${backend}]`, async () => {
        const expected = await predictAll(est, rows, c.width);
        const all = await session.run(feeds(c, rows, 0, N));
        const probs = all[c.probabilities]!;
        expect(probs.dims).toEqual([N, 10]);
        expect(maxAbsDiff(probs.data as Float32Array, expected)).toBeLessThanOrEqual(1e-5);
        // the same model at another batch size: the rows 30..37 alone
        const some = await session.run(feeds(c, rows, 30, 37));
        expect(some[c.probabilities]!.dims).toEqual([7, 10]);
        expect(
          maxAbsDiff(some[c.probabilities]!.data as Float32Array, expected.subarray(300, 370)),
        ).toBeLessThanOrEqual(1e-5);
        if (all.classes) {
          expect(all.classes.type).toBe('int32');
          const argmax = Array.from({ length: N }, (_, i) => {
            const row = Array.from(expected.subarray(i * 10, i * 10 + 10));
            return row.indexOf(Math.max(...row));
          });
          expect(Array.from(all.classes.data as Int32Array)).toEqual(argmax);
        }
      });
    });
  }
});

describe('exportSavedModel({ formats: [onnx] }) refusals', () => {
  beforeAll(async () => {
    const { setupTestBackend } = await import('@estimatorjs/testing');
    await setupTestBackend('cpu');
  });

  it('a parsing serving input receiver (serialized tf.Example) is refused for ONNX and leaves no export directory', async () => {
    const tmp = tempModelDir('export-onnx-parse-');
    const est = new Estimator({
      modelFn: mlpModelFn,
      config: new RunConfig({ modelDir: join(tmp.dir, 'model') }),
      log: () => {},
    });
    try {
      await est.train(rowsInputFn(makeRows(16, 20, 5), 20, 16), { steps: 1 });
      const receiver = buildParsingServingInputReceiverFn({ x: { dtype: 'float32', shape: [20] } });
      await expect(
        exportSavedModel(est, join(tmp.dir, 'export'), receiver, { formats: ['onnx'] }),
      ).rejects.toMatchObject({
        code: expect.stringMatching(/^EXPORT_UNSUPPORTED_(INPUT|OP)$/),
      });
      expect(existsSync(join(tmp.dir, 'export')) ? readdirSync(join(tmp.dir, 'export')) : []).toEqual([]);
    } finally {
      est.dispose();
      tmp.cleanup();
    }
  });
});
