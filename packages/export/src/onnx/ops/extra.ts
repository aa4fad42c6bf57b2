/**
 * Kernels outside the core list that the GraphModel writer also maps (so one model exports to both formats):
 * OnesLike/ZerosLike, Tile, PadV2, OneHot, FloorDiv, Mod, All/Any, ExpandDims, Sin/Cos.
 * Where ONNX's operator differs from tfjs's on some inputs, the mapping adds the nodes that make them agree.
 */
import { attr, type OpContext, onnxDataType } from '../onnx-graph-builder.js';
import { OnnxDataType } from '../onnx-proto.js';
import type { OpMapper } from './op-mapper.js';

function filled(value: number): OpMapper {
  return (ctx) => {
    const dtype = ctx.outTensor().dtype;
    const scalar = ctx.builder.scalar(`${ctx.node.name}/value`, value, dtype);
    ctx.emit('Expand', [scalar, ctx.emit('Shape', [ctx.input(0)])], [], [ctx.output()]);
  };
}

function noBatchDependence(ctx: OpContext, name: string, values: readonly number[]): void {
  if (values.includes(-1)) ctx.refuse(`attribute ${name} [${values}] depends on the batch size`);
}

/** a − floor(a / b)·b on floats (the sign follows the divisor, as tfjs's mod); ONNX Mod fmod=1 follows the dividend. */
function floorParts(ctx: OpContext): { a: string; b: string; q: string } {
  const isInt = ctx.inTensor(0).dtype === 'int32';
  const asFloat = (x: string) => (isInt ? ctx.emit('Cast', [x], [attr.int('to', OnnxDataType.FLOAT)]) : x);
  const a = asFloat(ctx.input(0));
  const b = asFloat(ctx.input(1));
  return { a, b, q: ctx.emit('Floor', [ctx.emit('Div', [a, b])]) };
}

function boolReduce(opType: 'ReduceMin' | 'ReduceMax'): OpMapper {
  return (ctx) => {
    const rank = ctx.inTensor(0).shape.length;
    const raw = ctx.attr('axis');
    const axes = raw === null || raw === undefined ? Array.from({ length: rank }, (_, i) => i) : ctx.numbers('axis');
    const asInt = ctx.emit('Cast', [ctx.input(0)], [attr.int('to', OnnxDataType.INT32)]);
    const keepdims = attr.int('keepdims', ctx.attr('keepDims') === true ? 1 : 0);
    const r = ctx.emit(opType, [asInt], [attr.ints('axes', axes), keepdims]);
    ctx.emit('Cast', [r], [attr.int('to', OnnxDataType.BOOL)], [ctx.output()]);
  };
}

export const extraMappers: Record<string, OpMapper> = {
  OnesLike: filled(1),
  ZerosLike: filled(0),
  Sin: (ctx) => {
    ctx.emit('Sin', [ctx.input(0)], [], [ctx.output()]);
  },
  Cos: (ctx) => {
    ctx.emit('Cos', [ctx.input(0)], [], [ctx.output()]);
  },
  ExpandDims: (ctx) => {
    const shape = ctx.outTensor().shape;
    if (shape.filter((d) => d < 0).length > 1 || shape.includes(0)) ctx.refuse(`output shape [${shape}]`);
    ctx.emit('Reshape', [ctx.input(0), ctx.builder.int64s(`${ctx.node.name}/shape`, shape)], [], [ctx.output()]);
  },
  Tile: (ctx) => {
    const reps = ctx.numbers('reps');
    noBatchDependence(ctx, 'reps', reps);
    ctx.emit('Tile', [ctx.input(0), ctx.builder.int64s(`${ctx.node.name}/repeats`, reps)], [], [ctx.output()]);
  },
  PadV2: (ctx) => {
    const paddings = ctx.attr('paddings') as readonly (readonly number[])[];
    const flat = paddings.flat();
    noBatchDependence(ctx, 'paddings', flat);
    // ONNX pads: all the begins, then all the ends.
    const pads = [...paddings.map((p) => p[0]!), ...paddings.map((p) => p[1]!)];
    const value = ctx.builder.scalar(
      `${ctx.node.name}/constant_value`,
      (ctx.attr('constantValue') as number) ?? 0,
      ctx.inTensor(0).dtype,
    );
    ctx.emit(
      'Pad',
      [ctx.input(0), ctx.builder.int64s(`${ctx.node.name}/pads`, pads), value],
      [attr.string('mode', 'constant')],
      [ctx.output()],
    );
  },
  OneHot: (ctx) => {
    const depth = ctx.attr('depth') as number;
    const dtype = ctx.outTensor().dtype;
    const b = ctx.builder;
    const n = ctx.node.name;
    // tfjs gives a row of off values for a negative index; ONNX counts negatives from the end. Send them out of range.
    const indices = ctx.input(0);
    const negative = ctx.emit('Less', [indices, b.scalar(`${n}/zero`, 0, 'int32')]);
    const safe = ctx.emit('Where', [negative, b.scalar(`${n}/out_of_range`, depth, 'int32'), indices]);
    // onnxruntime implements OneHot for int64 indices with float values, not int32 ones: widen, then cast back.
    const wide = ctx.emit('Cast', [safe], [attr.int('to', OnnxDataType.INT64)]);
    const values = b.addInitializer(
      `${n}/values`,
      [2],
      Float32Array.of(ctx.attr('offValue') as number, ctx.attr('onValue') as number),
    );
    const hot = ctx.emit(
      'OneHot',
      [wide, b.int64s(`${n}/depth`, [depth]), values],
      [attr.int('axis', -1)],
      dtype === 'float32' ? [ctx.output()] : undefined,
    );
    if (dtype !== 'float32') ctx.emit('Cast', [hot], [attr.int('to', onnxDataType(dtype))], [ctx.output()]);
  },
  FloorDiv: (ctx) => {
    // tfjs's FloorDiv kernel returns int32 even for float inputs: cast to whatever the traced output is.
    const { q } = floorParts(ctx);
    if (ctx.outTensor().dtype === 'float32') ctx.emit('Identity', [q], [], [ctx.output()]);
    else ctx.emit('Cast', [q], [attr.int('to', onnxDataType(ctx.outTensor().dtype))], [ctx.output()]);
  },
  Mod: (ctx) => {
    if (ctx.inTensor(0).dtype === 'int32') {
      // integer Mod with fmod=0 takes the divisor's sign, as tfjs does
      ctx.emit('Mod', [ctx.input(0), ctx.input(1)], [attr.int('fmod', 0)], [ctx.output()]);
      return;
    }
    const { a, b, q } = floorParts(ctx);
    ctx.emit('Sub', [a, ctx.emit('Mul', [q, b])], [], [ctx.output()]);
  },
  All: boolReduce('ReduceMin'),
  Any: boolReduce('ReduceMax'),
};
