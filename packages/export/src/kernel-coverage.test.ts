/**
 * Every kernel the GraphDef mapping covers, run through a real export and tfjs-converter: a model_fn that uses each
 * op on the input, exported, reloaded, and compared with estimator.predict (the eager tfjs result).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerWasmTrainingKernels } from '@estimatorjs/backends';
import {
  Estimator,
  GradientDescentOptimizer,
  getVariable,
  ModeKeys,
  type ModelFn,
  RunConfig,
  variableScope,
} from '@estimatorjs/estimator';
import { describeBackends, loadGraphModelFromDir, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSavedModel } from './export-saved-model.js';
import { buildRawServingInputReceiverFn } from './serving-input-receivers.js';
import { makeRows } from './test/data.test-util.js';

const W = 8;
/** tfjs' fused matMul works on rank-3 views, so it becomes BatchMatMulV2 + AddV2 + the activation (valid TF). */
const EXPECTED_OPS =
  'Abs AddV2 ArgMax AvgPool BatchMatMulV2 Cast ConcatV2 Conv2D DepthwiseConv2dNative Elu Exp ExpandDims FusedBatchNormV3 GatherV2 Greater Log MatMul Max Maximum Mean Min Minimum Mul Neg Pack RealDiv Relu Relu6 Reshape Rsqrt Selu Sigmoid Slice Softmax Sqrt Square SquaredDifference StridedSlice Sub Sum Tanh Transpose _FusedConv2D'.split(
    ' ',
  );

/** Each output exercises a group of kernels on x [batch, 8] (values in [0, 1)) and ids [batch]. */
const zooModelFn: ModelFn = (features, _labels, mode) => {
  const f = features as Record<string, tf.Tensor>;
  const x = f.x as tf.Tensor2D;
  const ids = f.id!;
  const w = variableScope('zoo', () => getVariable('w', { shape: [W, W] }));
  const b = variableScope('zoo', () => getVariable('b', { shape: [W], initializer: () => tf.fill([W], 0.1) }));
  const out: Record<string, tf.Tensor> = {};
  out.fused = variableScope('fused', () => tf.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' }));
  out.fusedElu = variableScope('fused_elu', () => tf.fused.matMul({ a: x, b: w, bias: b, activation: 'elu' }));
  out.matmulT = variableScope('matmul_t', () => tf.matMul(x, w, false, true));
  out.unary = variableScope('unary', () =>
    tf.concat(
      [
        tf.sigmoid(x),
        tf.tanh(x),
        tf.elu(x),
        tf.selu(x),
        tf.relu6(tf.mul(x, 10)),
        tf.sqrt(x),
        tf.rsqrt(tf.add(x, 1)),
        tf.exp(x),
        tf.log(tf.add(x, 1)),
        tf.square(x),
        tf.neg(x),
        tf.abs(tf.sub(x, 0.5)),
      ],
      1,
    ),
  );
  out.binary = variableScope('binary', () =>
    tf.stack(
      [tf.maximum(x, 0.5), tf.minimum(x, 0.5), tf.div(x, tf.add(x, 1)), tf.sub(x, b), tf.squaredDifference(x, b)],
      1,
    ),
  );
  out.softmaxes = variableScope('softmax', () => tf.concat([tf.softmax(x), tf.logSoftmax(x)], 1));
  out.reduce = variableScope('reduce', () =>
    tf.stack([tf.mean(x, 1), tf.sum(x, 1), tf.max(x, 1), tf.min(x, 1), tf.cast(tf.argMax(x, 1), 'float32')], 1),
  );
  out.keepDims = variableScope('keep_dims', () => tf.sub(x, tf.mean(x, -1, true)));
  out.shape = variableScope('shape', () => {
    const r = tf.reshape(x, [-1, 2, 4]);
    const t = tf.transpose(r, [0, 2, 1]);
    const s = tf.slice(t, [0, 1, 0], [-1, 2, 2]);
    const ss = tf.stridedSlice(x, [0, 1], [x.shape[0], 7], [1, 2]);
    return tf.concat([tf.reshape(s, [-1, 4]), ss, tf.expandDims(tf.squeeze(tf.slice(x, [0, 0], [-1, 1]), [1]), 1)], 1);
  });
  out.gather = variableScope('gather', () => tf.gather(tf.transpose(w), ids));
  out.conv = variableScope('conv', () => {
    const img = tf.reshape(x, [-1, 2, 4, 1]) as tf.Tensor4D;
    const k = getVariable('kernel', { shape: [2, 2, 1, 3] }) as tf.Tensor4D;
    const dk = getVariable('depthwise', { shape: [2, 2, 3, 2] }) as tf.Tensor4D;
    const c = tf.conv2d(img, k, 1, 'same');
    const d = tf.depthwiseConv2d(c, dk, [1, 1], 'valid');
    const fused = tf.fused.conv2d({
      x: img,
      filter: k,
      strides: 1,
      pad: 'valid',
      bias: tf.tensor1d([0.1, 0.2, 0.3]),
      activation: 'relu6',
    });
    const pooled = tf.avgPool(c, [2, 2], 1, 'same');
    return tf.concat([tf.reshape(d, [-1, 18]), tf.reshape(fused, [-1, 9]), tf.reshape(pooled, [-1, 24])], 1);
  });
  out.batchNorm = variableScope('bn', () =>
    tf.batchNorm(x, tf.fill([W], 0.3), tf.fill([W], 2), tf.fill([W], 0.1), tf.fill([W], 1.5), 0.001),
  );
  out.castAndCompare = variableScope('cast', () => tf.cast(tf.greater(x, 0.5), 'float32'));
  out.embedding = variableScope('embedding', () => tf.reshape(tf.gather(w, tf.cast(ids, 'int32')), [-1, W]));
  if (mode === ModeKeys.PREDICT) return { mode, predictions: out };
  const loss = tf.add(tf.mean(out.fused!), tf.mean(out.conv!)) as tf.Scalar;
  if (mode === ModeKeys.EVAL) return { mode, loss };
  return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.01 }).minimize(loss) };
};

describeBackends('every mapped kernel survives export → tfjs-converter', { describe, beforeAll }, (backend) => {
  const tmp = tempModelDir('export-zoo-');
  afterAll(() => tmp.cleanup());
  let est: Estimator;
  let dir: string;
  const rows = makeRows(100, W, 21);
  beforeAll(async () => {
    if (backend === 'wasm') registerWasmTrainingKernels();
    est = new Estimator({
      modelFn: zooModelFn,
      config: new RunConfig({ modelDir: join(tmp.dir, 'm'), randomSeed: 2 }),
      log: () => {},
    });
    const trainRows = makeRows(16, W, 3);
    await est.train(
      async function* () {
        yield [
          { x: tf.tensor2d(trainRows.x, [16, W]), id: tf.tensor1d(trainRows.id, 'int32') },
          tf.zeros([16]),
        ] as const;
      },
      { steps: 1 },
    );
    dir = await exportSavedModel(
      est,
      join(tmp.dir, 'e'),
      buildRawServingInputReceiverFn({
        x: { dtype: 'float32', shape: [null, W] },
        id: { dtype: 'int32', shape: [null] },
      }),
      { formats: ['graph_model', 'onnx'] },
    );
  });
  afterAll(() => est?.dispose());

  it('the GraphDef holds the TF ops under test (nothing folded away)', () => {
    const json = JSON.parse(readFileSync(join(dir, 'graph_model', 'model.json'), 'utf8'));
    const ops = new Set<string>(json.modelTopology.node.map((n: { op: string }) => n.op));
    for (const op of EXPECTED_OPS) expect(ops.has(op), op).toBe(true);
  });

  it('matches estimator.predict within 1e-5 for every output group', async () => {
    const x = tf.tensor2d(rows.x, [100, W]);
    const id = tf.tensor1d(rows.id, 'int32');
    const expected = new Map<string, number[]>();
    const input = async function* () {
      yield { x: tf.clone(x), id: tf.clone(id) };
    };
    for await (const p of est.predict(input, { yieldSingleExamples: false })) {
      for (const [k, v] of Object.entries(p as Record<string, Float32Array>)) expected.set(k, Array.from(v));
    }
    const model = await loadGraphModelFromDir(join(dir, 'graph_model'));
    const keys = [...expected.keys()];
    const outs = model.execute({ x, id }, keys) as tf.Tensor[];
    for (const [i, k] of keys.entries()) {
      const got = await outs[i]!.data();
      const want = expected.get(k)!;
      expect(got.length, k).toBe(want.length);
      let maxDiff = 0;
      for (let j = 0; j < want.length; j++) maxDiff = Math.max(maxDiff, Math.abs(got[j]! - want[j]!));
      expect(maxDiff, k).toBeLessThanOrEqual(1e-5);
    }
    tf.dispose([x, id, ...outs]);
    model.dispose();
  });

  it('model.onnx in onnxruntime-node matches estimator.predict within 1e-5 for every output group, at batch 100 and 3', async () => {
    const expected = new Map<string, Float32Array>();
    const input = async function* () {
      yield { x: tf.tensor2d(rows.x, [100, W]), id: tf.tensor1d(rows.id, 'int32') };
    };
    for await (const p of est.predict(input, { yieldSingleExamples: false })) {
      for (const [k, v] of Object.entries(p as Record<string, Float32Array>)) expected.set(k, v);
    }
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'model.onnx')), { logSeverityLevel: 3 });
    try {
      for (const n of [100, 3]) {
        const out = await session.run({
          x: new ort.Tensor('float32', rows.x.slice(0, n * W), [n, W]),
          id: new ort.Tensor('int32', rows.id.slice(0, n), [n]),
        });
        for (const [k, want] of expected) {
          const got = out[k]!.data as Float32Array;
          const part = want.subarray(0, (want.length / 100) * n);
          expect(got.length, k).toBe(part.length);
          let maxDiff = 0;
          for (let j = 0; j < part.length; j++) maxDiff = Math.max(maxDiff, Math.abs(got[j]! - part[j]!));
          expect(maxDiff, `${k} at batch ${n}`).toBeLessThanOrEqual(1e-5);
        }
      }
    } finally {
      await session.release();
    }
  });
});
