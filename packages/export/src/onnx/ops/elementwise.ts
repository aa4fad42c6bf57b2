/**
 * Element-wise kernels: unary math, activations and broadcasting binary ops. ONNX's numpy-style broadcasting
 * is the same as tfjs's, so binary kernels map one to one.
 * Owns: these kernels' mappings and the fused-activation helper shared with matmul and conv.
 */
import { attr, type OpContext } from '../onnx-graph-builder.js';
import type { OpMapper } from './op-mapper.js';

function unary(opType: string): OpMapper {
  return (ctx) => {
    ctx.emit(opType, [ctx.input(0)], [], [ctx.output()]);
  };
}

function binary(opType: string): OpMapper {
  return (ctx) => {
    ctx.emit(opType, [ctx.input(0), ctx.input(1)], [], [ctx.output()]);
  };
}

// TF's (and tfjs's) SELU constants; ONNX's defaults are the same numbers rounded to float32, set explicitly anyway.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

function clip(ctx: OpContext, x: string, lo: number, hi: number, output?: string): string {
  const dtype = ctx.inTensor(0).dtype;
  const min = ctx.builder.scalar(`${ctx.node.name}/clip_min`, lo, dtype);
  const max = ctx.builder.scalar(`${ctx.node.name}/clip_max`, hi, dtype);
  return ctx.emit('Clip', [x, min, max], [], output === undefined ? undefined : [output]);
}

/**
 * Applies a tfjs fused activation (`_FusedMatMul`, `FusedConv2D`, `FusedDepthwiseConv2D`) to `x`, writing
 * `output` when given. `prelu` reads its weights from `preluWeights`.
 */
export function fusedActivation(ctx: OpContext, x: string, output: string | undefined, preluWeights?: string): string {
  const activation = (ctx.attr('activation') as string | undefined) ?? 'linear';
  const out = output === undefined ? undefined : [output];
  switch (activation) {
    case 'linear':
      return output === undefined ? x : ctx.emit('Identity', [x], [], out);
    case 'relu':
      return ctx.emit('Relu', [x], [], out);
    case 'relu6':
      return clip(ctx, x, 0, 6, output);
    case 'elu':
      return ctx.emit('Elu', [x], [attr.float('alpha', 1)], out);
    case 'sigmoid':
      return ctx.emit('Sigmoid', [x], [], out);
    case 'leakyrelu':
      return ctx.emit(
        'LeakyRelu',
        [x],
        [attr.float('alpha', (ctx.attr('leakyreluAlpha') as number | undefined) ?? 0.2)],
        out,
      );
    case 'prelu':
      if (preluWeights === undefined) ctx.refuse('activation "prelu" without its weights input');
      return ctx.emit('PRelu', [x, preluWeights], [], out);
    default:
      return ctx.refuse(`unknown fused activation "${activation}"`);
  }
}

export const elementwiseMappers: Record<string, OpMapper> = {
  Identity: unary('Identity'),
  Relu: unary('Relu'),
  Sigmoid: unary('Sigmoid'),
  Tanh: unary('Tanh'),
  Exp: unary('Exp'),
  Log: unary('Log'),
  Sqrt: unary('Sqrt'),
  Neg: unary('Neg'),
  Abs: unary('Abs'),
  Floor: unary('Floor'),
  Ceil: unary('Ceil'),
  Reciprocal: unary('Reciprocal'),
  Softplus: unary('Softplus'),
  Erf: unary('Erf'),
  Sign: unary('Sign'),
  // tfjs's round is half-to-even, as ONNX's Round.
  Round: unary('Round'),
  LogicalNot: unary('Not'),
  Elu: (ctx) => {
    ctx.emit('Elu', [ctx.input(0)], [attr.float('alpha', 1)], [ctx.output()]);
  },
  Selu: (ctx) => {
    ctx.emit(
      'Selu',
      [ctx.input(0)],
      [attr.float('alpha', SELU_ALPHA), attr.float('gamma', SELU_SCALE)],
      [ctx.output()],
    );
  },
  Relu6: (ctx) => {
    clip(ctx, ctx.input(0), 0, 6, ctx.output());
  },
  ClipByValue: (ctx) => {
    clip(ctx, ctx.input(0), ctx.attr('clipValueMin') as number, ctx.attr('clipValueMax') as number, ctx.output());
  },
  LeakyRelu: (ctx) => {
    ctx.emit('LeakyRelu', [ctx.input(0)], [attr.float('alpha', ctx.attr('alpha') as number)], [ctx.output()]);
  },
  Prelu: binary('PRelu'),
  Square: (ctx) => {
    const x = ctx.input(0);
    ctx.emit('Mul', [x, x], [], [ctx.output()]);
  },
  Rsqrt: (ctx) => {
    ctx.emit('Reciprocal', [ctx.emit('Sqrt', [ctx.input(0)])], [], [ctx.output()]);
  },
  Add: binary('Add'),
  // tfjs-core has no BiasAdd kernel (bias is an Add), but TF graphs do; NHWC bias broadcasts on the last axis.
  BiasAdd: binary('Add'),
  Sub: binary('Sub'),
  Multiply: binary('Mul'),
  Mul: binary('Mul'),
  RealDiv: binary('Div'),
  Maximum: binary('Max'),
  Minimum: binary('Min'),
  Pow: binary('Pow'),
  Equal: binary('Equal'),
  Greater: binary('Greater'),
  GreaterEqual: binary('GreaterOrEqual'),
  Less: binary('Less'),
  LessEqual: binary('LessOrEqual'),
  LogicalAnd: binary('And'),
  LogicalOr: binary('Or'),
  NotEqual: (ctx) => {
    ctx.emit('Not', [ctx.emit('Equal', [ctx.input(0), ctx.input(1)])], [], [ctx.output()]);
  },
  SquaredDifference: (ctx) => {
    const d = ctx.emit('Sub', [ctx.input(0), ctx.input(1)]);
    ctx.emit('Mul', [d, d], [], [ctx.output()]);
  },
  Select: (ctx) => {
    ctx.emit('Where', [ctx.input(0), ctx.input(1), ctx.input(2)], [], [ctx.output()]);
  },
  AddN: (ctx) => {
    ctx.emit(
      'Sum',
      ctx.node.inputs.map((_, i) => ctx.input(i)),
      [],
      [ctx.output()],
    );
  },
};
