/**
 * Neural-network kernels: matmuls (plain and fused), NHWC convolutions and pools (written as ONNX's NCHW ops
 * between Transposes, weights rearranged at export time), batch normalization and softmax.
 */
import { attr, type OpContext } from '../onnx-graph-builder.js';
import { fusedActivation } from './elementwise.js';
import type { OpMapper } from './op-mapper.js';
import {
  checkOutputHW,
  NCHW_TO_NHWC,
  NHWC_TO_NCHW,
  onnxPads,
  pair,
  transposedInput,
  transposeValues,
} from './spatial.js';

/** Positions of a fused kernel's optional inputs (bias, prelu weights), by their tfjs input names. */
function fusedExtras(ctx: OpContext): { bias?: number; prelu?: number } {
  const bias = ctx.named('bias');
  const prelu = ctx.named('preluActivationWeights');
  return { ...(bias === undefined ? {} : { bias }), ...(prelu === undefined ? {} : { prelu }) };
}

function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

function matMul(fused: boolean): OpMapper {
  return (ctx) => {
    const side = (i: number, flag: string) =>
      ctx.attr(flag) === true ? transposedInput(ctx, i, swapLast(ctx.inTensor(i).shape.length), 'T') : ctx.input(i);
    const a = side(0, 'transposeA');
    const b = side(1, 'transposeB');
    const { bias, prelu } = fused ? fusedExtras(ctx) : {};
    const activation = fused ? ((ctx.attr('activation') as string | undefined) ?? 'linear') : 'linear';
    const last = bias === undefined && activation === 'linear';
    let y = ctx.emit('MatMul', [a, b], [], last ? [ctx.output()] : undefined);
    if (bias !== undefined)
      y = ctx.emit('Add', [y, ctx.input(bias)], [], activation === 'linear' ? [ctx.output()] : undefined);
    if (activation !== 'linear')
      fusedActivation(ctx, y, ctx.output(), prelu === undefined ? undefined : ctx.input(prelu));
  };
}

/** ONNX Conv weights from tfjs filters: HWIO → OIHW, or depthwise [h, w, C, M] → [C·M, 1, h, w] (group = C). */
function convWeights(ctx: OpContext, depthwise: boolean): string {
  if (!depthwise) return transposedInput(ctx, 1, [3, 2, 0, 1], 'OIHW');
  const [h, w, c, m] = ctx.inTensor(1).shape as [number, number, number, number];
  const values = ctx.constantInput(1);
  // Output channel c·M + m of TF's depthwise conv reads filter[:, :, c, m]; ONNX's group c holds channels c·M..c·M+M-1.
  if (values) {
    const name = ctx.builder.constantOf(ctx.inputId(1))!.name;
    return ctx.builder.addInitializer(
      `${name}/OIHW`,
      [c * m, 1, h, w],
      transposeValues(values, [h, w, c, m], [2, 3, 0, 1]),
    );
  }
  const t = ctx.emit('Transpose', [ctx.input(1)], [attr.ints('perm', [2, 3, 0, 1])]);
  return ctx.emit('Reshape', [t, ctx.builder.int64s(`${ctx.node.name}/weights_shape`, [c * m, 1, h, w])]);
}

function conv(depthwise: boolean, fused: boolean): OpMapper {
  return (ctx) => {
    const format = (ctx.attr('dataFormat') as string | undefined) ?? 'NHWC';
    if (format !== 'NHWC' && format !== 'NCHW') ctx.refuse(`dataFormat ${JSON.stringify(format)}`);
    const nhwc = format === 'NHWC';
    const x = ctx.inTensor(0).shape;
    const out = ctx.outTensor().shape;
    const [kh, kw, inC] = ctx.inTensor(1).shape as [number, number, number, number];
    const hw = (s: readonly number[]): [number, number] => (nhwc ? [s[1]!, s[2]!] : [s[2]!, s[3]!]);
    const strides = pair(ctx, 'strides');
    const dilations = pair(ctx, 'dilations', 1);
    const pads = onnxPads(ctx, hw(x), [kh, kw], strides, dilations);
    checkOutputHW(ctx, hw(x), pads, [kh, kw], strides, dilations, hw(out));

    const { bias, prelu } = fused ? fusedExtras(ctx) : {};
    const activation = fused ? ((ctx.attr('activation') as string | undefined) ?? 'linear') : 'linear';
    const outC = nhwc ? out[3]! : out[1]!;
    // A per-channel bias rides in Conv's B input (rank 1, length = output channels); any other shape is an Add.
    const biasShape = bias === undefined ? undefined : ctx.inTensor(bias).shape;
    const biasInConv = biasShape !== undefined && biasShape.length === 1 && biasShape[0] === outC;
    const addBias = bias !== undefined && !biasInConv;

    const xIn = nhwc ? ctx.emit('Transpose', [ctx.input(0)], [attr.ints('perm', NHWC_TO_NCHW)]) : ctx.input(0);
    const inputs = [xIn, convWeights(ctx, depthwise)];
    if (biasInConv) inputs.push(ctx.input(bias!));
    const attributes = [
      attr.ints('kernel_shape', [kh, kw]),
      attr.ints('strides', strides),
      attr.ints('dilations', dilations),
      attr.int('group', depthwise ? inC : 1),
      pads === 'SAME_UPPER' ? attr.string('auto_pad', 'SAME_UPPER') : attr.ints('pads', pads),
    ];
    const last = !addBias && activation === 'linear';
    let y = ctx.emit('Conv', inputs, attributes, last && !nhwc ? [ctx.output()] : undefined);
    if (nhwc) y = ctx.emit('Transpose', [y], [attr.ints('perm', NCHW_TO_NHWC)], last ? [ctx.output()] : undefined);
    if (addBias) y = ctx.emit('Add', [y, ctx.input(bias!)], [], activation === 'linear' ? [ctx.output()] : undefined);
    if (activation !== 'linear')
      fusedActivation(ctx, y, ctx.output(), prelu === undefined ? undefined : ctx.input(prelu));
  };
}

function pool(opType: 'MaxPool' | 'AveragePool'): OpMapper {
  return (ctx) => {
    const x = ctx.inTensor(0).shape;
    const out = ctx.outTensor().shape;
    const kernel = pair(ctx, 'filterSize');
    const strides = pair(ctx, 'strides');
    const pads = onnxPads(ctx, [x[1]!, x[2]!], kernel, strides, [1, 1]);
    checkOutputHW(ctx, [x[1]!, x[2]!], pads, kernel, strides, [1, 1], [out[1]!, out[2]!]);
    const attributes = [
      attr.ints('kernel_shape', kernel),
      attr.ints('strides', strides),
      pads === 'SAME_UPPER' ? attr.string('auto_pad', 'SAME_UPPER') : attr.ints('pads', pads),
    ];
    // TF (and tfjs) average only the pixels inside the input, never the padding.
    if (opType === 'AveragePool') attributes.push(attr.int('count_include_pad', 0));
    const t = ctx.emit('Transpose', [ctx.input(0)], [attr.ints('perm', NHWC_TO_NCHW)]);
    const p = ctx.emit(opType, [t], attributes);
    ctx.emit('Transpose', [p], [attr.ints('perm', NCHW_TO_NHWC)], [ctx.output()]);
  };
}

/**
 * tfjs FusedBatchNorm (inputs x, mean, variance, scale?, offset? by name; NHWC, channels last, so
 * per-channel parameters broadcast without a transpose): y = (x − mean) · scale / √(variance + ε) + offset, with
 * the factor folded into one constant when the parameters are frozen.
 */
const fusedBatchNorm: OpMapper = (ctx) => {
  const mean = ctx.named('mean');
  const variance_ = ctx.named('variance');
  if (mean === undefined || variance_ === undefined) return ctx.refuse('no mean or variance input');
  const idx = { scale: ctx.named('scale'), offset: ctx.named('offset'), mean, variance: variance_ };
  const eps = (ctx.attr('varianceEpsilon') as number | undefined) ?? 0.001;
  const variance = ctx.constantInput(idx.variance);
  const scale = idx.scale === undefined ? undefined : ctx.constantInput(idx.scale);
  const varShape = ctx.inTensor(idx.variance).shape;
  const sameShape = idx.scale === undefined || ctx.inTensor(idx.scale).shape.join() === varShape.join();
  let factor: string;
  if (variance && (idx.scale === undefined || scale) && sameShape) {
    const f = new Float32Array(variance.length);
    for (let i = 0; i < f.length; i++) f[i] = (scale ? scale[i]! : 1) / Math.sqrt(variance[i]! + eps);
    factor = ctx.builder.addInitializer(`${ctx.node.name}/factor`, varShape, f);
  } else {
    const epsilon = ctx.builder.scalar(`${ctx.node.name}/epsilon`, eps, 'float32');
    const inv = ctx.emit('Reciprocal', [ctx.emit('Sqrt', [ctx.emit('Add', [ctx.input(idx.variance), epsilon])])]);
    factor = idx.scale === undefined ? inv : ctx.emit('Mul', [inv, ctx.input(idx.scale)]);
  }
  const centered = ctx.emit('Sub', [ctx.input(0), ctx.input(idx.mean)]);
  if (idx.offset === undefined) {
    ctx.emit('Mul', [centered, factor], [], [ctx.output()]);
    return;
  }
  const scaled = ctx.emit('Mul', [centered, factor]);
  ctx.emit('Add', [scaled, ctx.input(idx.offset)], [], [ctx.output()]);
};

function softmax(opType: 'Softmax' | 'LogSoftmax', axisAttr: string): OpMapper {
  return (ctx) => {
    const axis = (ctx.attr(axisAttr) as number | undefined) ?? -1;
    // Opset 13's Softmax normalizes along `axis` alone (earlier opsets flattened the trailing axes).
    ctx.emit(opType, [ctx.input(0)], [attr.int('axis', axis)], [ctx.output()]);
  };
}

export const nnMappers: Record<string, OpMapper> = {
  BatchMatMul: matMul(false),
  MatMul: matMul(false),
  _FusedMatMul: matMul(true),
  Conv2D: conv(false, false),
  FusedConv2D: conv(false, true),
  DepthwiseConv2dNative: conv(true, false),
  FusedDepthwiseConv2D: conv(true, true),
  MaxPool: pool('MaxPool'),
  AvgPool: pool('AveragePool'),
  FusedBatchNorm: fusedBatchNorm,
  Softmax: softmax('Softmax', 'dim'),
  LogSoftmax: softmax('LogSoftmax', 'axis'),
};
