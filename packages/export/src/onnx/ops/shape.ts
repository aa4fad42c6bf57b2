/**
 * Shape and indexing kernels: Reshape, Transpose, Concat, Pack/Unpack, Slice, StridedSlice, GatherV2, Cast,
 * ArgMax/ArgMin. Opset 13 takes shapes, axes and slice bounds as int64 inputs, written as initializers.
 */
import type { TracedDType } from '@estimatorjs/estimator';
import { attr, type OpContext, onnxDataType } from '../onnx-graph-builder.js';
import type { OpMapper } from './op-mapper.js';

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/**
 * Reshape to the traced output shape (batch as -1). The shape attr is not used: the tracer replaced its
 * batch-dependent numbers by -1, but a model may also have passed a -1 of its own, and the output shape is the
 * one truth. ONNX Reshape reads 0 as "copy the input dim", so a zero-sized dim cannot be written.
 */
function reshapeTo(ctx: OpContext, x: string, output: string): void {
  const shape = ctx.outTensor().shape;
  if (shape.filter((d) => d < 0).length > 1) ctx.refuse(`output shape [${shape}] has more than one dynamic dim`);
  if (shape.includes(0)) ctx.refuse(`output shape [${shape}] has a zero-sized dim (ONNX Reshape reads 0 as "copy")`);
  ctx.emit('Reshape', [x, ctx.builder.int64s(`${ctx.node.name}/shape`, shape)], [], [output]);
}

function castTo(ctx: OpContext, x: string, dtype: TracedDType, output?: string): string {
  if (dtype === 'string') ctx.refuse('a cast to string');
  return ctx.emit('Cast', [x], [attr.int('to', onnxDataType(dtype))], output === undefined ? undefined : [output]);
}

/** tfjs Slice: `begin` and `size` (size -1 = to the end), a bare number meaning axis 0. */
const slice: OpMapper = (ctx) => {
  const rank = ctx.inTensor(0).shape.length;
  const begin = ctx.numbers('begin');
  const size = ctx.numbers('size');
  if (begin.some((b) => b < 0)) ctx.refuse(`begin [${begin}] depends on the batch size`);
  const axes = Array.from({ length: Math.min(rank, Math.max(begin.length, size.length)) }, (_, i) => i);
  const starts = axes.map((i) => begin[i] ?? 0);
  const ends = axes.map((i) => {
    const s = size[i] ?? -1;
    return s < 0 ? INT64_MAX : BigInt(starts[i]! + s);
  });
  const b = ctx.builder;
  const n = ctx.node.name;
  ctx.emit(
    'Slice',
    [ctx.input(0), b.int64s(`${n}/starts`, starts), b.int64s(`${n}/ends`, ends), b.int64s(`${n}/axes`, axes)],
    [],
    [ctx.output()],
  );
};

/**
 * tfjs StridedSlice, masks included: each sparse spec entry becomes a Slice bound on an input axis (the ellipsis
 * spans the axes it covers); new axes and shrunk axes are then one Reshape to the traced output shape.
 */
const stridedSlice: OpMapper = (ctx) => {
  const x = ctx.inTensor(0).shape;
  const begin = ctx.numbers('begin');
  const end = ctx.numbers('end');
  const strides = ctx.numbers('strides');
  const bit = (mask: string, i: number) => ((((ctx.attr(mask) as number | undefined) ?? 0) >> i) & 1) === 1;
  const n = Math.max(begin.length, end.length, strides.length);
  let sawEllipsis = false;
  let realDims = 0;
  for (let i = 0; i < n; i++) {
    if (bit('ellipsisMask', i)) sawEllipsis = true;
    else if (!bit('newAxisMask', i)) realDims++;
  }
  const entries = sawEllipsis ? n : n + 1; // no ellipsis: an implicit one at the end covers the remaining axes
  const starts: bigint[] = [];
  const ends: bigint[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  let reshape = false;
  let axis = 0;
  for (let i = 0; i < entries; i++) {
    if (i === n || bit('ellipsisMask', i)) {
      axis += x.length - realDims;
      continue;
    }
    if (bit('newAxisMask', i)) {
      reshape = true;
      continue;
    }
    const stride = strides[i] ?? 1;
    if (stride === 0) ctx.refuse('a stride of 0');
    const dynamic = x[axis]! < 0;
    const bv = begin[i] ?? 0;
    const ev = end[i] ?? 0;
    if (dynamic && !bit('beginMask', i) && bv === -1) {
      ctx.refuse(`begin [${begin}] depends on the batch size on the dynamic batch axis`);
    }
    // An end the tracer marked -1 on the dynamic axis followed the batch size (`x.shape[0]`): the whole axis, as the
    // GraphModel writer reads it too. (A literal -1 there would read the same: the IR cannot tell them apart.)
    const toEnd = bit('endMask', i) || (dynamic && ev === -1 && stride > 0);
    let s = bit('beginMask', i) ? (stride > 0 ? 0n : INT64_MAX) : BigInt(bv);
    let e = toEnd ? (stride > 0 ? INT64_MAX : INT64_MIN) : BigInt(ev);
    if (bit('shrinkAxisMask', i)) {
      reshape = true;
      s = BigInt(bv);
      e = bv === -1 ? INT64_MAX : s + 1n;
    }
    starts.push(s);
    ends.push(e);
    axes.push(axis);
    steps.push(bit('shrinkAxisMask', i) ? 1 : stride);
    axis++;
  }
  const b = ctx.builder;
  const name = ctx.node.name;
  const inputs = [
    ctx.input(0),
    b.int64s(`${name}/starts`, starts),
    b.int64s(`${name}/ends`, ends),
    b.int64s(`${name}/axes`, axes),
  ];
  inputs.push(b.int64s(`${name}/steps`, steps));
  if (axes.length === 0) {
    if (reshape) reshapeTo(ctx, ctx.input(0), ctx.output());
    else ctx.emit('Identity', [ctx.input(0)], [], [ctx.output()]);
    return;
  }
  const sliced = ctx.emit('Slice', inputs, [], reshape ? undefined : [ctx.output()]);
  if (reshape) reshapeTo(ctx, sliced, ctx.output());
};

const pack: OpMapper = (ctx) => {
  const axis = (ctx.attr('axis') as number | undefined) ?? 0;
  const axes = ctx.builder.int64s(`${ctx.node.name}/axes`, [axis]);
  const parts = ctx.node.inputs.map((_, i) => ctx.emit('Unsqueeze', [ctx.input(i), axes]));
  if (parts.length === 1) ctx.emit('Identity', parts, [], [ctx.output()]);
  else ctx.emit('Concat', parts, [attr.int('axis', axis)], [ctx.output()]);
};

const unpack: OpMapper = (ctx) => {
  const axis = (ctx.attr('axis') as number | undefined) ?? 0;
  const count = ctx.node.outputs.length;
  const b = ctx.builder;
  const parts = Array.from({ length: count }, (_, i) => ctx.temp(`split_${i}`));
  ctx.emit(
    'Split',
    [ctx.input(0), b.int64s(`${ctx.node.name}/split`, new Array(count).fill(1))],
    [attr.int('axis', axis)],
    parts,
  );
  const axes = b.int64s(`${ctx.node.name}/axes`, [axis]);
  for (const [i, p] of parts.entries()) ctx.emit('Squeeze', [p, axes], [], [ctx.output(i)]);
};

function arg(opType: 'ArgMax' | 'ArgMin'): OpMapper {
  return (ctx) => {
    const axis = ctx.numbers('axis');
    if (axis.length !== 1) ctx.refuse(`axis [${axis}]: one axis expected`);
    // ONNX returns int64 indices (first occurrence, as tfjs); tfjs returns int32.
    const idx = ctx.emit(opType, [ctx.input(0)], [attr.int('axis', axis[0]!), attr.int('keepdims', 0)]);
    castTo(ctx, idx, 'int32', ctx.output());
  };
}

export const shapeMappers: Record<string, OpMapper> = {
  Reshape: (ctx) => reshapeTo(ctx, ctx.input(0), ctx.output()),
  Transpose: (ctx) => {
    ctx.emit('Transpose', [ctx.input(0)], [attr.ints('perm', ctx.numbers('perm'))], [ctx.output()]);
  },
  Concat: (ctx) => {
    const inputs = ctx.node.inputs.map((_, i) => ctx.input(i));
    if (inputs.length === 1) ctx.emit('Identity', inputs, [], [ctx.output()]);
    else ctx.emit('Concat', inputs, [attr.int('axis', (ctx.attr('axis') as number | undefined) ?? 0)], [ctx.output()]);
  },
  Pack: pack,
  Unpack: unpack,
  Slice: slice,
  StridedSlice: stridedSlice,
  GatherV2: (ctx) => {
    const batchDims = (ctx.attr('batchDims') as number | undefined) ?? 0;
    if (batchDims !== 0) ctx.refuse(`batchDims=${batchDims} (ONNX Gather has none)`);
    const axis = ctx.numbers('axis')[0] ?? 0;
    ctx.emit('Gather', [ctx.input(0), ctx.input(1)], [attr.int('axis', axis)], [ctx.output()]);
  },
  Cast: (ctx) => {
    const to = ctx.attr('dtype') as TracedDType;
    if (to === ctx.inTensor(0).dtype) ctx.emit('Identity', [ctx.input(0)], [], [ctx.output()]);
    else castTo(ctx, ctx.input(0), to, ctx.output());
  },
  ArgMax: arg('ArgMax'),
  ArgMin: arg('ArgMin'),
};
