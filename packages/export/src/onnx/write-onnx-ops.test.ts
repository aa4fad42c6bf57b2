/**
 * Each kernel family written by writeOnnx() and run by onnxruntime-node, against tfjs-cpu's own kernels at two
 * batch sizes (the dynamic batch dim), plus hand-computed values where the arithmetic is small enough to do.
 */
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphFixture, maxAbsDiff, runOnnx } from './graph-fixture.test-util.js';
import { buildOnnxModel, writeOnnx } from './write-onnx.js';

beforeAll(async () => {
  await setupTestBackend('cpu');
});

/** Deterministic values in [-1, 1) (no Math.random: a failure must reproduce). */
function ramp(shape: number[], seed = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(seed * 12.9898 + i * 78.233) * 0.999;
  return tf.tensor(v, shape);
}

/** Writes the fixture's graph, runs it at both batch sizes and compares every output with tfjs's. */
async function expectOnnxMatches(
  f: GraphFixture,
  outputs: Record<string, number>,
  { tol = 1e-5, relative = false } = {},
): Promise<Uint8Array> {
  const model = writeOnnx(f.graph(outputs));
  for (const k of [0, 1] as const) {
    const got = await runOnnx(model, f.feeds[k]);
    for (const [name, id] of Object.entries(outputs)) {
      const want = f.reference(id, k);
      const out = got[name]!;
      expect(out.dims, `${name} dims at batch ${k}`).toEqual(want.shape);
      expect(out.type, `${name} dtype`).toBe(want.dtype);
      const diff = maxAbsDiff(out.data as Float32Array, want.dataSync(), relative);
      expect(diff, `${name} at batch ${k}`).toBeLessThanOrEqual(tol);
    }
  }
  return model;
}

async function withFixture(body: (f: GraphFixture) => Promise<void>): Promise<void> {
  const f = new GraphFixture();
  try {
    await body(f);
  } finally {
    f.dispose();
  }
}

describe('writeOnnx() — matmul', () => {
  it('BatchMatMul with transposes (constant folded and runtime) and _FusedMatMul with bias + each activation', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => ramp([b, 4]));
      const w = f.constant('dense/kernel', ramp([5, 4], 2)); // used as transposeB
      const y = f.op1('BatchMatMul', { a: x, b: w }, { transposeA: false, transposeB: true });
      const xt = f.op1('Transpose', { x }, { perm: [1, 0] });
      const w2 = f.constant('dense/kernel_2', ramp([4, 5], 9));
      // a runtime transposeA: Transpose node in front of MatMul (xtᵀ = x)
      const z = f.op1('BatchMatMul', { a: xt, b: w2 }, { transposeA: true, transposeB: false });
      const bias = f.constant('dense/bias', ramp([5], 3));
      const outs: Record<string, number> = { y, z };
      for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu']) {
        outs[activation] = f.op1(
          '_FusedMatMul',
          { a: x, b: w, bias },
          { transposeA: false, transposeB: true, activation, leakyreluAlpha: 0.3 },
          { scope: 'dense' },
        );
      }
      const alpha = f.constant('dense/alpha', ramp([5], 4));
      outs.prelu = f.op1(
        '_FusedMatMul',
        { a: x, b: w, bias, preluActivationWeights: alpha },
        { transposeA: false, transposeB: true, activation: 'prelu' },
      );
      await expectOnnxMatches(f, outs);
    }));

  it('computes a 2×2 product by hand', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) =>
        tf.tensor2d(
          Array.from({ length: b * 2 }, (_, i) => i + 1),
          [b, 2],
        ),
      );
      const w = f.constant('w', tf.tensor2d([1, 10, 100, 1000], [2, 2]));
      const y = f.op1('BatchMatMul', { a: x, b: w }, { transposeA: false, transposeB: false });
      const got = await runOnnx(writeOnnx(f.graph({ y })), f.feeds[1]);
      // batch 2: [[1,2],[3,4]] · [[1,10],[100,1000]]
      expect(Array.from(got.y!.data as Float32Array)).toEqual([201, 2010, 403, 4030]);
    }));
});

describe('writeOnnx() — convolutions and pools (NHWC through NCHW)', () => {
  it('Conv2D: SAME with stride 2 on an odd size (asymmetric pads), VALID, dilation, explicit pads', () =>
    withFixture(async (f) => {
      const x = f.input('image', (b) => ramp([b, 7, 7, 3]));
      const k = f.constant('conv1/kernel', ramp([3, 3, 3, 4], 5));
      const conv = (attrs: Record<string, unknown>) =>
        f.op1(
          'Conv2D',
          { x, filter: k },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, ...attrs } as never,
          { scope: 'conv1' },
        );
      await expectOnnxMatches(f, {
        same2: conv({ strides: 2 }),
        same1: conv({}),
        valid: conv({ pad: 'valid', strides: [2, 1] }),
        dilated: conv({ dilations: 2 }),
        explicit: conv({
          pad: [
            [0, 0],
            [1, 0],
            [0, 2],
            [0, 0],
          ],
        }),
        number: conv({ pad: 1, strides: 2 }),
      });
    }));

  it('SAME pads as TF puts them: the odd pixel at the end (hand-computed: width 4, kernel 3, stride 2)', () =>
    withFixture(async (f) => {
      // in W=4, k=3, s=2: out=2, total pad = (2−1)·2+3−4 = 1 → left 0, right 1. Sums: [1+2+3, 3+4+0] = [6, 7]
      const x = f.input('x', (b) => tf.tile(tf.tensor4d([1, 2, 3, 4], [1, 1, 4, 1]), [b, 1, 1, 1]));
      const k = f.constant('k', tf.ones([1, 3, 1, 1]));
      const y = f.op1('Conv2D', { x, filter: k }, { strides: 2, pad: 'same', dataFormat: 'NHWC', dilations: 1 });
      const got = await runOnnx(writeOnnx(f.graph({ y })), f.feeds[1]);
      expect(Array.from(got.y!.data as Float32Array)).toEqual([6, 7, 6, 7]);
    }));

  it('FusedConv2D with bias + relu and DepthwiseConv2dNative (channel multiplier 2, group = C)', () =>
    withFixture(async (f) => {
      const x = f.input('image', (b) => ramp([b, 6, 5, 3]));
      const k = f.constant('conv/kernel', ramp([3, 3, 3, 4], 6));
      const bias = f.constant('conv/bias', ramp([4], 7));
      const fused = f.op1('FusedConv2D', { x, filter: k, bias }, {
        strides: 2,
        pad: 'same',
        dataFormat: 'NHWC',
        dilations: 1,
        activation: 'relu',
      } as never);
      const dk = f.constant('dw/depthwise_kernel', ramp([3, 3, 3, 2], 8));
      const dw = f.op1(
        'DepthwiseConv2dNative',
        { x, filter: dk },
        { strides: 2, pad: 'same', dataFormat: 'NHWC', dilations: 1 },
      );
      const dwValid = f.op1(
        'DepthwiseConv2dNative',
        { x, filter: dk },
        { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 },
      );
      await expectOnnxMatches(f, { fused, dw, dwValid });
    }));

  it('MaxPool and AvgPool with SAME padding (the average counts only pixels inside the image, as TF)', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => ramp([b, 7, 7, 2]));
      const pool = (kernel: string, pad: string) => f.op1(kernel, { x }, { filterSize: 3, strides: 2, pad });
      await expectOnnxMatches(f, {
        maxSame: pool('MaxPool', 'same'),
        maxValid: pool('MaxPool', 'valid'),
        avgSame: pool('AvgPool', 'same'),
        avgValid: pool('AvgPool', 'valid'),
      });
    }));

  it('AvgPool SAME by hand: a corner window of ones averages to 1, not 4/9', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => tf.ones([b, 2, 2, 1]));
      const y = f.op1('AvgPool', { x }, { filterSize: 3, strides: 1, pad: 'same' });
      const got = await runOnnx(writeOnnx(f.graph({ y })), f.feeds[1]);
      expect(Array.from(got.y!.data as Float32Array)).toEqual(new Array(8).fill(1));
    }));
});

describe('writeOnnx() — element-wise', () => {
  it('activations, math and broadcasting binaries', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => tf.mul(ramp([b, 3, 4]), 8));
      const pos = f.input('pos', (b) => tf.add(tf.abs(ramp([b, 3, 4], 9)), 0.1));
      const row = f.constant('row', ramp([4], 10));
      const outs: Record<string, number> = {};
      for (const k of ['Relu', 'Relu6', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'Square', 'Exp', 'Neg', 'Abs'])
        outs[k] = f.op1(k, { x });
      for (const k of ['Sqrt', 'Rsqrt', 'Log']) outs[k] = f.op1(k, { x: pos });
      outs.Softmax = f.op1('Softmax', { logits: x }, { dim: -1 });
      outs.LogSoftmax = f.op1('LogSoftmax', { logits: x }, { axis: -1 }, { reference: ([t]) => tf.logSoftmax(t!) });
      outs.LeakyRelu = f.op1('LeakyRelu', { x }, { alpha: 0.1 });
      outs.Clip = f.op1('ClipByValue', { x }, { clipValueMin: -1, clipValueMax: 2 });
      for (const k of ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'SquaredDifference']) {
        outs[k] = f.op1(k, { a: x, b: k === 'RealDiv' ? pos : row });
      }
      outs.BiasAdd = f.op1('BiasAdd', [x, row], {}, { reference: ([a, b]) => tf.add(a!, b!) });
      outs.AddN = f.op1('AddN', [x, pos, x]);
      // Exp/Square of values up to 8 reach thousands: compare relative to their size (float32 has ~7 digits).
      await expectOnnxMatches(f, outs, { relative: true });
    }));

  it('Selu and Relu6 by hand', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => tf.tile(tf.tensor1d([-1, 0, 3, 9]), [b]));
      const selu = f.op1('Selu', { x });
      const relu6 = f.op1('Relu6', { x });
      const got = await runOnnx(writeOnnx(f.graph({ selu, relu6 })), f.feeds[1]);
      const s = Array.from(got.selu!.data as Float32Array).slice(0, 4);
      expect(s[0]).toBeCloseTo(1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1), 6);
      expect(s.slice(1)).toEqual([0, Math.fround(1.0507009873554805 * 3), Math.fround(1.0507009873554805 * 9)]);
      expect(Array.from(got.relu6!.data as Float32Array).slice(0, 4)).toEqual([0, 0, 3, 6]);
    }));
});

describe('writeOnnx() — shapes and indexing', () => {
  it('Reshape with the batch dim, Transpose, Concat, Pack, Unpack, Slice', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => ramp([b, 4, 6]));
      const flat = f.op1('Reshape', { x }, { shape: [-1, 24] });
      const back = f.op1('Reshape', { x: flat }, { shape: [-1, 6, 4] });
      const t = f.op1('Transpose', { x }, { perm: [0, 2, 1] });
      const cat = f.op1('Concat', [x, x], { axis: -1 });
      const packed = f.op1('Pack', [x, x, x], { axis: 1 });
      const [u0, u1] = f.op('Unpack', { value: x }, { axis: 1 }, { outputs: 4 });
      const sliced = f.op1('Slice', { x }, { begin: [0, 1, 2], size: [-1, 2, -1] });
      await expectOnnxMatches(f, { flat, back, t, cat, packed, u0: u0!, u1: u1!, sliced });
    }));

  it('StridedSlice with begin/end masks, a negative stride, shrink, new axis and ellipsis', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => ramp([b, 5, 6]));
      const ss = (attrs: Record<string, unknown>) =>
        f.op1('StridedSlice', { x }, {
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
          ...attrs,
        } as never);
      await expectOnnxMatches(f, {
        masked: ss({ begin: [0, 1, 0], end: [0, 4, 6], strides: [1, 2, 1], beginMask: 1, endMask: 1 }),
        reversed: ss({ begin: [0, 0, -1], end: [0, 0, 0], strides: [1, 1, -1], beginMask: 3, endMask: 7 }),
        shrink: ss({ begin: [0, 2], end: [0, 3], strides: [1, 1], beginMask: 1, endMask: 1, shrinkAxisMask: 2 }),
        lastCol: ss({ begin: [0, -1], end: [0, 0], strides: [1, 1], ellipsisMask: 1, shrinkAxisMask: 2 }),
        newAxis: ss({ begin: [0, 0, 1], end: [0, 0, 3], strides: [1, 1, 1], beginMask: 1, endMask: 1, newAxisMask: 2 }),
      });
    }));

  it('GatherV2 (embedding lookup on int32 ids), Cast and ArgMax (int32 like tfjs, not ONNX int64)', () =>
    withFixture(async (f) => {
      const ids = f.input('ids', (b) =>
        tf.tensor2d(
          Array.from({ length: b * 3 }, (_, i) => (i * 7) % 10),
          [b, 3],
          'int32',
        ),
      );
      const table = f.constant('embedding/embeddings', ramp([10, 4], 11));
      const flatIds = f.op1('Reshape', { x: ids }, { shape: [-1] });
      const rows = f.op1('GatherV2', { x: table, indices: flatIds }, { axis: 0, batchDims: 0 }, { scope: 'embedding' });
      const emb = f.op1('Reshape', { x: rows }, { shape: [-1, 3, 4] });
      const asFloat = f.op1('Cast', { x: ids }, { dtype: 'float32' });
      const x = f.input('x', (b) => tf.mul(ramp([b, 5], 12), 3));
      const asInt = f.op1('Cast', { x }, { dtype: 'int32' });
      const asBool = f.op1('Cast', { x }, { dtype: 'bool' });
      const classes = f.op1('ArgMax', { x }, { axis: 1 });
      await expectOnnxMatches(f, { emb, asFloat, asInt, asBool, classes });
    }));
});

describe('writeOnnx() — reductions and batch norm', () => {
  it('Mean/Sum/Max over axes lists, a single axis, all axes, keepDims', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => ramp([b, 3, 4]));
      await expectOnnxMatches(f, {
        mean: f.op1('Mean', { x }, { axis: [1, 2], keepDims: false }),
        meanKeep: f.op1('Mean', { x }, { axis: -1, keepDims: true }),
        sum: f.op1('Sum', { x }, { axis: [2], keepDims: false }),
        sumAll: f.op1('Sum', { x }, { axis: null, keepDims: false }),
        max: f.op1('Max', { x }, { reductionIndices: [1], keepDims: true }),
      });
    }));

  it('FusedBatchNorm with frozen scale/offset/mean/variance and without scale and offset', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => tf.mul(ramp([b, 2, 2, 3]), 4));
      const c = (n: string, seed: number, add = 0) => f.constant(`bn/${n}`, tf.add(ramp([3], seed), add));
      const [scale, offset, mean, variance] = [
        c('gamma', 13),
        c('beta', 14),
        c('moving_mean', 15),
        c('moving_variance', 16, 1.5),
      ];
      const full = f.op1(
        'FusedBatchNorm',
        { x, scale, offset, mean, variance },
        { varianceEpsilon: 0.001 },
        { scope: 'bn' },
      );
      const bare = f.op1('FusedBatchNorm', { x, mean, variance }, { varianceEpsilon: 0.001 }, { scope: 'bn' });
      await expectOnnxMatches(f, { full, bare });
    }));
});

describe('writeOnnx() — the kernels the GraphModel writer also maps', () => {
  it('OnesLike/ZerosLike, Tile, PadV2, OneHot (negative index → all off, as tfjs), FloorDiv/Mod (floor semantics), All/Any, ExpandDims, Sin/Cos', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => tf.mul(ramp([b, 3, 4]), 5));
      const y = f.input('y', (b) => tf.add(tf.mul(ramp([b, 3, 4], 19), 3), 0.05));
      const i = f.input('i', (b) =>
        tf.tensor2d(
          Array.from({ length: b * 3 }, (_, k) => ((k * 5) % 9) - 4),
          [b, 3],
          'int32',
        ),
      );
      const j = f.input('j', (b) =>
        tf.tensor2d(
          Array.from({ length: b * 3 }, (_, k) => ((k % 2) * 2 - 1) * (2 + (k % 3))),
          [b, 3],
          'int32',
        ),
      );
      const pos = f.op1('Greater', { a: x, b: y });
      await expectOnnxMatches(f, {
        ones: f.op1('OnesLike', { x }),
        zeros: f.op1('ZerosLike', { x: i }),
        tile: f.op1('Tile', { x }, { reps: [1, 2, 1] }),
        pad: f.op1(
          'PadV2',
          { x },
          {
            paddings: [
              [0, 0],
              [1, 2],
              [0, 1],
            ],
            constantValue: 0.5,
          },
        ),
        oneHot: f.op1('OneHot', { indices: i }, { depth: 4, onValue: 2, offValue: -1, dtype: 'float32' }),
        floorDiv: f.op1('FloorDiv', { a: x, b: y }),
        floorDivInt: f.op1('FloorDiv', { a: i, b: j }),
        mod: f.op1('Mod', { a: x, b: y }),
        modInt: f.op1('Mod', { a: i, b: j }),
        all: f.op1('All', { x: pos }, { axis: [2], keepDims: false }),
        any: f.op1('Any', { x: pos }, { axis: null, keepDims: true }),
        expanded: f.op1('ExpandDims', { input: x }, { dim: 1 }, { reference: ([t]) => tf.expandDims(t!, 1) }),
        sin: f.op1('Sin', { x }),
        cos: f.op1('Cos', { x }),
      });
    }));
});

describe('writeOnnx() — the model around the nodes', () => {
  it('declares the batch dim as the symbol "batch", opset 13, inputs and outputs by their signature names', () =>
    withFixture(async (f) => {
      const image = f.input('image', (b) => ramp([b, 4]));
      const w = f.constant('w', ramp([4, 2], 17));
      const logits = f.op1('BatchMatMul', { a: image, b: w }, { transposeA: false, transposeB: false });
      const probabilities = f.op1('Softmax', { logits }, { dim: -1 });
      const classes = f.op1('ArgMax', { x: logits }, { axis: 1 });
      const m = buildOnnxModel(f.graph({ probabilities, classes }));
      expect(m.opsetVersion).toBe(13);
      expect(m.graph.inputs).toEqual([{ name: 'image', elemType: 1, dims: ['batch', 4] }]);
      expect(m.graph.outputs).toEqual([
        { name: 'probabilities', elemType: 1, dims: ['batch', 2] },
        { name: 'classes', elemType: 6, dims: ['batch'] },
      ]);
      expect(m.metadata).toMatchObject({ signature: 'serving_default', global_step: '7' });
      // each weight ships once, under its variable name
      expect(m.graph.initializers.map((i) => i.name)).toEqual(['w']);
    }));

  it('writes only what the outputs need: an unmapped kernel off the output path is not an error', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => ramp([b, 4]));
      f.op1('Atan', { x }); // not mapped, not needed
      const y = f.op1('Relu', { x });
      await expectOnnxMatches(f, { y });
    }));

  it('refuses an unmapped kernel with EXPORT_UNSUPPORTED_OP naming the op and the layer scope', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => ramp([b, 4]));
      const y = f.op1('Atan', { x }, {}, { scope: 'head/logits' });
      expect(() => writeOnnx(f.graph({ y }))).toThrowError(
        expect.objectContaining({
          code: 'EXPORT_UNSUPPORTED_OP',
          message: expect.stringMatching(/onnx writer cannot export kernel Atan \(layer scope "head\/logits"\)/),
        }),
      );
    }));

  it('refuses string inputs (a parsing serving input receiver) with EXPORT_UNSUPPORTED_INPUT', () =>
    withFixture(async (f) => {
      const examples = f.input('examples', (b) => tf.tensor1d(new Array(b).fill('x'), 'string'));
      const y = f.op1('Identity', { x: examples });
      expect(() => writeOnnx(f.graph({ y }))).toThrowError(
        expect.objectContaining({
          code: 'EXPORT_UNSUPPORTED_INPUT',
          message: expect.stringMatching(/^writeOnnx\(\): input "examples" holds strings/),
        }),
      );
    }));

  it('writing leaks no tensors', () =>
    withFixture(async (f) => {
      const x = f.input('x', (b) => ramp([b, 2, 2, 1]));
      const k = f.constant('k', ramp([1, 1, 1, 2], 18));
      const y = f.op1('Conv2D', { x, filter: k }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 });
      const g = f.graph({ y });
      await expectNoLeaks(() => {
        writeOnnx(g);
      });
    }));
});
