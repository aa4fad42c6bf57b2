/**
 * Reductions. tfjs passes `axis` (`reductionIndices` for Max) as a number, a list, or null for every axis.
 * In opset 13 ReduceSum takes its axes as an int64 input while ReduceMean/Max/Min/Prod still take an attribute
 * (they moved to an input in opset 18).
 */
import { attr, type OpContext } from '../onnx-graph-builder.js';
import type { OpMapper } from './op-mapper.js';

function reduce(opType: string, axisAttr: string, axesAsInput: boolean): OpMapper {
  return (ctx: OpContext) => {
    const rank = ctx.inTensor(0).shape.length;
    const raw = ctx.attr(axisAttr);
    const axes = raw === null || raw === undefined ? Array.from({ length: rank }, (_, i) => i) : ctx.numbers(axisAttr);
    if (axes.length === 0) {
      // tfjs reduces nothing for an empty axis list; ONNX would reduce everything.
      ctx.emit('Identity', [ctx.input(0)], [], [ctx.output()]);
      return;
    }
    const keepdims = attr.int('keepdims', ctx.attr('keepDims') === true ? 1 : 0);
    if (axesAsInput) {
      const axesName = ctx.builder.int64s(`${ctx.node.name}/axes`, axes);
      ctx.emit(opType, [ctx.input(0), axesName], [keepdims], [ctx.output()]);
    } else {
      ctx.emit(opType, [ctx.input(0)], [attr.ints('axes', axes), keepdims], [ctx.output()]);
    }
  };
}

export const reduceMappers: Record<string, OpMapper> = {
  Sum: reduce('ReduceSum', 'axis', true),
  Mean: reduce('ReduceMean', 'axis', false),
  Max: reduce('ReduceMax', 'reductionIndices', false),
  Min: reduce('ReduceMin', 'axis', false),
  Prod: reduce('ReduceProd', 'axis', false),
};
