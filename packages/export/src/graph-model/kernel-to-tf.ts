/**
 * tfjs kernels → TF GraphDef nodes that tfjs-converter 4.22 executes (its op list names the inputs and attrs each
 * op reads). Owns: one mapping per supported kernel, with the attrs TF expects (Conv2D strides [1,s,s,1], padding
 * "SAME"/"VALID", data_format "NHWC"; MatMul transpose_a/b; ...). A mapping returns the name of the node whose
 * outputs are the kernel's outputs. Does not own: naming, weights, model.json (write-graph-model.ts).
 */
import type { TracedAttrValue } from '@estimatorjs/estimator';
import type { EmitContext } from './node-def.js';
import { type AttrValue, attr } from './tf-attrs.js';

type Mapping = (c: EmitContext) => string;

const num = (v: TracedAttrValue | undefined): number => (typeof v === 'number' ? v : Number.NaN);
const nums = (v: TracedAttrValue | undefined): number[] =>
  typeof v === 'number' ? [v] : Array.isArray(v) ? (v as unknown[]).flat(2).map(Number) : [];

function T(c: EmitContext, inputName = 'x'): Record<string, AttrValue> {
  return { T: attr.type(c.inputTensor(inputName).dtype) };
}

function noDynamic(c: EmitContext, name: string, values: readonly number[]): void {
  if (values.includes(-1)) c.unsupported(`attribute ${name} [${values}] depends on the batch size`);
}

const unary =
  (op: string): Mapping =>
  (c) =>
    c.emit(op, [c.input('x')], T(c), c.node.name);

const binary =
  (op: string): Mapping =>
  (c) =>
    c.emit(op, [c.input('a'), c.input('b')], T(c, 'a'), c.node.name);

function pair(c: EmitContext, name: string): [number, number] {
  const v = nums(c.node.attrs[name]);
  const p: [number, number] = v.length === 1 ? [v[0]!, v[0]!] : [v[0]!, v[1]!];
  noDynamic(c, name, p);
  return p;
}

/** TF padding attrs from tfjs' `pad` ('same' | 'valid' | number | explicit [[t,b],[l,r]] per NHWC dim). */
function padding(c: EmitContext, allowExplicit: boolean): Record<string, AttrValue> {
  const pad = c.node.attrs.pad;
  if (pad === 'same' || pad === 'valid') return { padding: attr.str(pad.toUpperCase()) };
  if (!allowExplicit) c.unsupported(`explicit padding ${JSON.stringify(pad)} (use 'same' or 'valid')`);
  if (c.node.attrs.dimRoundingMode != null) c.unsupported('dimRoundingMode has no TF equivalent');
  const explicit = typeof pad === 'number' ? [0, 0, pad, pad, pad, pad, 0, 0] : nums(pad);
  if (explicit.length !== 8) c.unsupported(`padding ${JSON.stringify(pad)}`);
  return { padding: attr.str('EXPLICIT'), explicit_paddings: attr.ints(explicit) };
}

function convAttrs(c: EmitContext, explicit: boolean): Record<string, AttrValue> {
  const format = c.node.attrs.dataFormat ?? 'NHWC';
  if (format !== 'NHWC') c.unsupported(`data format ${String(format)} (only NHWC)`);
  const [sh, sw] = pair(c, 'strides');
  const [dh, dw] = c.node.attrs.dilations == null ? [1, 1] : pair(c, 'dilations');
  return {
    ...T(c),
    strides: attr.ints([1, sh, sw, 1]),
    dilations: attr.ints([1, dh, dw, 1]),
    data_format: attr.str('NHWC'),
    ...padding(c, explicit),
  };
}

/** tfjs fused activation → TF fused_ops entry (undefined for 'linear'). */
const FUSED_ACTIVATION: Readonly<Record<string, string | undefined>> = {
  linear: undefined,
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

/** The activation of a fused kernel as its own node (when there is no bias to fuse it with). */
function activation(c: EmitContext, x: string): string {
  const act = String(c.node.attrs.activation ?? 'linear');
  const op = FUSED_ACTIVATION[act];
  if (!(act in FUSED_ACTIVATION)) c.unsupported(`fused activation ${act}`);
  const t = { T: attr.type(c.output().dtype) };
  if (op === undefined) return c.emit('Identity', [x], t, c.node.name);
  if (op === 'Prelu') return c.emit('Prelu', [x, c.input('preluActivationWeights')], t, c.node.name);
  if (op === 'LeakyRelu')
    return c.emit(op, [x], { ...t, alpha: attr.float(num(c.node.attrs.leakyreluAlpha)) }, c.node.name);
  return c.emit(op, [x], t, c.node.name);
}

/** _FusedMatMul / _FusedConv2D / FusedDepthwiseConv2dNative: fused when there is a bias, else op + activation. */
function fused(
  c: EmitContext,
  fusedOp: string,
  plainOp: string,
  inputs: string[],
  base: Record<string, AttrValue>,
): string {
  const act = String(c.node.attrs.activation ?? 'linear');
  if (!(act in FUSED_ACTIVATION)) c.unsupported(`fused activation ${act}`);
  if (!c.has('bias')) return activation(c, c.emit(plainOp, inputs, base));
  const tfAct = FUSED_ACTIVATION[act];
  const args = [c.input('bias'), ...(tfAct === 'Prelu' ? [c.input('preluActivationWeights')] : [])];
  return c.emit(
    fusedOp,
    [...inputs, ...args],
    {
      ...base,
      fused_ops: attr.strs(tfAct ? ['BiasAdd', tfAct] : ['BiasAdd']),
      num_args: attr.int(args.length),
      leakyrelu_alpha: attr.float(c.node.attrs.leakyreluAlpha == null ? 0.2 : num(c.node.attrs.leakyreluAlpha)),
      epsilon: attr.float(0),
    },
    c.node.name,
  );
}

function matMulAttrs(c: EmitContext): { op: 'MatMul' | 'BatchMatMulV2'; attrs: Record<string, AttrValue> } {
  const ta = c.node.attrs.transposeA === true;
  const tb = c.node.attrs.transposeB === true;
  const rank2 = c.inputTensor('a').shape.length === 2 && c.inputTensor('b').shape.length === 2;
  return rank2
    ? { op: 'MatMul', attrs: { ...T(c, 'a'), transpose_a: attr.bool(ta), transpose_b: attr.bool(tb) } }
    : { op: 'BatchMatMulV2', attrs: { ...T(c, 'a'), adj_x: attr.bool(ta), adj_y: attr.bool(tb) } };
}

/** Reductions: axis becomes an int32 Const input, keepDims becomes keep_dims. */
const reduction =
  (op: string): Mapping =>
  (c) => {
    const rank = c.inputTensor('x').shape.length;
    // tfjs' Max names its axes reductionIndices; the other reductions say axis. null means every axis.
    const given = c.node.attrs.reductionIndices ?? c.node.attrs.axis;
    const axis = given == null ? Array.from({ length: rank }, (_, i) => i) : nums(given);
    const axisConst = c.constant('reduction_indices', 'int32', [axis.length], axis);
    return c.emit(
      op,
      [c.input('x'), axisConst],
      { ...T(c), keep_dims: attr.bool(c.node.attrs.keepDims === true), Tidx: attr.type('int32') },
      c.node.name,
    );
  };

function listInputs(c: EmitContext): string[] {
  return c.node.inputNames.map((n) => c.input(n));
}

export const KERNEL_TO_TF: Readonly<Record<string, Mapping>> = {
  Identity: unary('Identity'),
  Relu: unary('Relu'),
  Relu6: unary('Relu6'),
  Elu: unary('Elu'),
  Selu: unary('Selu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Softplus: unary('Softplus'),
  Square: unary('Square'),
  Sqrt: unary('Sqrt'),
  Rsqrt: unary('Rsqrt'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Neg: unary('Neg'),
  Abs: unary('Abs'),
  Floor: unary('Floor'),
  Ceil: unary('Ceil'),
  Round: unary('Round'),
  Sign: unary('Sign'),
  Reciprocal: unary('Reciprocal'),
  Erf: unary('Erf'),
  ZerosLike: unary('ZerosLike'),
  OnesLike: (c) => c.emit('OnesLike', [c.input('x')], { ...T(c), dtype: attr.type(c.output().dtype) }, c.node.name),
  LeakyRelu: (c) =>
    c.emit('LeakyRelu', [c.input('x')], { ...T(c), alpha: attr.float(num(c.node.attrs.alpha)) }, c.node.name),
  Prelu: (c) => c.emit('Prelu', [c.input('x'), c.input('alpha')], T(c), c.node.name),
  Softmax: (c) => {
    const rank = c.inputTensor('logits').shape.length;
    const dim = num(c.node.attrs.dim);
    if (dim !== -1 && dim !== rank - 1) c.unsupported(`softmax over axis ${dim} (TF's Softmax is over the last axis)`);
    return c.emit('Softmax', [c.input('logits')], T(c, 'logits'), c.node.name);
  },
  LogSoftmax: (c) => {
    const rank = c.inputTensor('logits').shape.length;
    const axis = num(c.node.attrs.axis);
    if (axis !== -1 && axis !== rank - 1) c.unsupported(`log-softmax over axis ${axis}`);
    return c.emit('LogSoftmax', [c.input('logits')], T(c, 'logits'), c.node.name);
  },
  Add: binary('AddV2'),
  Sub: binary('Sub'),
  Multiply: binary('Mul'),
  RealDiv: binary('RealDiv'),
  FloorDiv: binary('FloorDiv'),
  Maximum: binary('Maximum'),
  Minimum: binary('Minimum'),
  Pow: binary('Pow'),
  SquaredDifference: binary('SquaredDifference'),
  Mod: binary('Mod'),
  Equal: binary('Equal'),
  NotEqual: binary('NotEqual'),
  Greater: binary('Greater'),
  GreaterEqual: binary('GreaterEqual'),
  Less: binary('Less'),
  LessEqual: binary('LessEqual'),
  LogicalAnd: binary('LogicalAnd'),
  AddN: (c) => {
    const ins = listInputs(c);
    return c.emit('AddN', ins, { T: attr.type(c.output().dtype), N: attr.int(ins.length) }, c.node.name);
  },
  Select: (c) => c.emit('SelectV2', [c.input('condition'), c.input('t'), c.input('e')], T(c, 't'), c.node.name),
  Cast: (c) =>
    c.emit(
      'Cast',
      [c.input('x')],
      { SrcT: attr.type(c.inputTensor('x').dtype), DstT: attr.type(c.output().dtype) },
      c.node.name,
    ),
  ClipByValue: (c) => {
    const d = c.inputTensor('x').dtype;
    const lo = c.constant('clip_value_min', d, [], [num(c.node.attrs.clipValueMin)]);
    const hi = c.constant('clip_value_max', d, [], [num(c.node.attrs.clipValueMax)]);
    return c.emit('ClipByValue', [c.input('x'), lo, hi], T(c), c.node.name);
  },
  BatchMatMul: (c) => {
    const { op, attrs } = matMulAttrs(c);
    return c.emit(op, [c.input('a'), c.input('b')], attrs, c.node.name);
  },
  _FusedMatMul: (c) => {
    const { op, attrs } = matMulAttrs(c);
    if (op !== 'MatMul') {
      // tfjs-converter runs _FusedMatMul on any rank, but TF defines it for matrices only: keep the graph valid TF.
      const mm = c.emit(op, [c.input('a'), c.input('b')], attrs);
      const biased = c.has('bias') ? c.emit('AddV2', [mm, c.input('bias')], T(c, 'a')) : mm;
      return activation(c, biased);
    }
    return fused(c, '_FusedMatMul', 'MatMul', [c.input('a'), c.input('b')], attrs);
  },
  Conv2D: (c) => c.emit('Conv2D', [c.input('x'), c.input('filter')], convAttrs(c, true), c.node.name),
  FusedConv2D: (c) => fused(c, '_FusedConv2D', 'Conv2D', [c.input('x'), c.input('filter')], convAttrs(c, true)),
  DepthwiseConv2dNative: (c) =>
    c.emit('DepthwiseConv2dNative', [c.input('x'), c.input('filter')], convAttrs(c, true), c.node.name),
  FusedDepthwiseConv2D: (c) =>
    fused(
      c,
      'FusedDepthwiseConv2dNative',
      'DepthwiseConv2dNative',
      [c.input('x'), c.input('filter')],
      convAttrs(c, true),
    ),
  MaxPool: (c) => pool(c, 'MaxPool'),
  AvgPool: (c) => pool(c, 'AvgPool'),
  FusedBatchNorm: (c) => {
    const channels = c.inputTensor('mean').shape;
    const n = channels.reduce((a, b) => a * b, 1);
    const scale = c.has('scale') ? c.input('scale') : c.constant('scale', 'float32', channels, new Array(n).fill(1));
    const offset = c.has('offset')
      ? c.input('offset')
      : c.constant('offset', 'float32', channels, new Array(n).fill(0));
    return c.emit(
      'FusedBatchNormV3',
      [c.input('x'), scale, offset, c.input('mean'), c.input('variance')],
      {
        ...T(c),
        U: attr.type('float32'),
        epsilon: attr.float(num(c.node.attrs.varianceEpsilon)),
        data_format: attr.str('NHWC'),
        is_training: attr.bool(false),
      },
      c.node.name,
    );
  },
  Mean: reduction('Mean'),
  Sum: reduction('Sum'),
  Max: reduction('Max'),
  Min: reduction('Min'),
  Prod: reduction('Prod'),
  All: reduction('All'),
  Any: reduction('Any'),
  ArgMax: (c) => argReduce(c, 'ArgMax'),
  ArgMin: (c) => argReduce(c, 'ArgMin'),
  Reshape: (c) => {
    const shape = nums(c.node.attrs.shape);
    if (shape.filter((d) => d === -1).length > 1) {
      c.unsupported(`reshape to [${shape}] has more than one dimension that depends on the batch size`);
    }
    const s = c.constant('shape', 'int32', [shape.length], shape);
    return c.emit('Reshape', [c.input('x'), s], { ...T(c), Tshape: attr.type('int32') }, c.node.name);
  },
  Transpose: (c) => {
    const perm = nums(c.node.attrs.perm);
    const p = c.constant('perm', 'int32', [perm.length], perm);
    return c.emit('Transpose', [c.input('x'), p], { ...T(c), Tperm: attr.type('int32') }, c.node.name);
  },
  ExpandDims: (c) => {
    const a = c.constant('dim', 'int32', [], [num(c.node.attrs.dim)]);
    return c.emit('ExpandDims', [c.input('input'), a], { ...T(c, 'input'), Tdim: attr.type('int32') }, c.node.name);
  },
  Concat: (c) => {
    const ins = listInputs(c);
    const axis = c.constant('axis', 'int32', [], [num(c.node.attrs.axis)]);
    return c.emit(
      'ConcatV2',
      [...ins, axis],
      { T: attr.type(c.output().dtype), N: attr.int(ins.length), Tidx: attr.type('int32') },
      c.node.name,
    );
  },
  Pack: (c) => {
    const ins = listInputs(c);
    return c.emit(
      'Pack',
      ins,
      { T: attr.type(c.output().dtype), N: attr.int(ins.length), axis: attr.int(num(c.node.attrs.axis)) },
      c.node.name,
    );
  },
  Unpack: (c) =>
    c.emit(
      'Unpack',
      [c.input('value')],
      { ...T(c, 'value'), num: attr.int(c.node.outputs.length), axis: attr.int(num(c.node.attrs.axis)) },
      c.node.name,
    ),
  Slice: (c) => {
    const begin = nums(c.node.attrs.begin);
    const size = nums(c.node.attrs.size);
    noDynamic(c, 'begin', begin);
    const b = c.constant('begin', 'int32', [begin.length], begin);
    const s = c.constant('size', 'int32', [size.length], size);
    return c.emit('Slice', [c.input('x'), b, s], { ...T(c), Index: attr.type('int32') }, c.node.name);
  },
  StridedSlice: (c) => {
    const begin = nums(c.node.attrs.begin);
    const end = nums(c.node.attrs.end);
    const strides = nums(c.node.attrs.strides);
    noDynamic(c, 'begin', begin);
    noDynamic(c, 'strides', strides);
    let endMask = num(c.node.attrs.endMask) || 0;
    // An end that followed the batch size was the whole (dynamic) axis: TF says that with end_mask.
    end.forEach((e, i) => {
      if (e === -1 && c.inputTensor('x').shape[i] === -1) {
        endMask |= 1 << i;
        end[i] = 0;
      }
    });
    noDynamic(c, 'end', end);
    const consts = [
      c.constant('begin', 'int32', [begin.length], begin),
      c.constant('end', 'int32', [end.length], end),
      c.constant('strides', 'int32', [strides.length], strides),
    ];
    const mask = (k: string) => attr.int(num(c.node.attrs[k]) || 0);
    return c.emit(
      'StridedSlice',
      [c.input('x'), ...consts],
      {
        ...T(c),
        Index: attr.type('int32'),
        begin_mask: mask('beginMask'),
        end_mask: attr.int(endMask),
        ellipsis_mask: mask('ellipsisMask'),
        new_axis_mask: mask('newAxisMask'),
        shrink_axis_mask: mask('shrinkAxisMask'),
      },
      c.node.name,
    );
  },
  GatherV2: (c) => {
    const axis = c.constant('axis', 'int32', [], [num(c.node.attrs.axis)]);
    return c.emit(
      'GatherV2',
      [c.input('x'), c.input('indices'), axis],
      {
        Tparams: attr.type(c.inputTensor('x').dtype),
        Tindices: attr.type(c.inputTensor('indices').dtype),
        Taxis: attr.type('int32'),
        batch_dims: attr.int(num(c.node.attrs.batchDims) || 0),
      },
      c.node.name,
    );
  },
  Tile: (c) => {
    const reps = nums(c.node.attrs.reps);
    noDynamic(c, 'reps', reps);
    const r = c.constant('multiples', 'int32', [reps.length], reps);
    return c.emit('Tile', [c.input('x'), r], { ...T(c), Tmultiples: attr.type('int32') }, c.node.name);
  },
  PadV2: (c) => {
    const p = nums(c.node.attrs.paddings);
    noDynamic(c, 'paddings', p);
    const d = c.inputTensor('x').dtype;
    const pads = c.constant('paddings', 'int32', [p.length / 2, 2], p);
    const v = c.constant('constant_values', d, [], [num(c.node.attrs.constantValue) || 0]);
    return c.emit('PadV2', [c.input('x'), pads, v], { ...T(c), Tpaddings: attr.type('int32') }, c.node.name);
  },
  OneHot: (c) => {
    const depth = c.constant('depth', 'int32', [], [num(c.node.attrs.depth)]);
    const d = c.output().dtype;
    const on = c.constant('on_value', d, [], [num(c.node.attrs.onValue)]);
    const off = c.constant('off_value', d, [], [num(c.node.attrs.offValue)]);
    return c.emit(
      'OneHot',
      [c.input('indices'), depth, on, off],
      { T: attr.type(d), TI: attr.type(c.inputTensor('indices').dtype), axis: attr.int(-1) },
      c.node.name,
    );
  },
};

function pool(c: EmitContext, op: string): string {
  if (c.node.attrs.dimRoundingMode != null) c.unsupported('dimRoundingMode has no TF equivalent');
  const [kh, kw] = pair(c, 'filterSize');
  const [sh, sw] = pair(c, 'strides');
  return c.emit(
    op,
    [c.input('x')],
    {
      ...T(c),
      ksize: attr.ints([1, kh, kw, 1]),
      strides: attr.ints([1, sh, sw, 1]),
      data_format: attr.str('NHWC'),
      ...padding(c, false),
    },
    c.node.name,
  );
}

function argReduce(c: EmitContext, op: string): string {
  const axis = c.constant('dimension', 'int32', [], [nums(c.node.attrs.axis)[0] ?? 0]);
  return c.emit(
    op,
    [c.input('x'), axis],
    { ...T(c), Tidx: attr.type('int32'), output_type: attr.type(c.output().dtype) },
    c.node.name,
  );
}
