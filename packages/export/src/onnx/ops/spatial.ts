/**
 * Shared arithmetic for NHWC convolutions and pools written as ONNX's NCHW ops: the layout transposes, TF's
 * padding rules as explicit ONNX `pads`, and weight layouts rearranged at export time.
 */
import type { OpContext } from '../onnx-graph-builder.js';

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];

/** tfjs's `number | [number, number]` → `[h, w]`. */
export function pair(ctx: OpContext, name: string, fallback?: number): [number, number] {
  const v = ctx.attr(name) ?? fallback;
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'))
    return [v[0] as number, v[1] as number];
  return ctx.refuse(`attribute ${name}=${JSON.stringify(v)} is not a number or a pair of numbers`);
}

/**
 * ONNX `pads` ([top, left, bottom, right]) for tfjs's `pad` on NHWC `[inH, inW]`. TF's SAME puts the odd pixel at
 * the end (bottom/right), as ONNX's SAME_UPPER does; explicit pads are written even so, because they do not depend
 * on a runtime's reading of auto_pad with dilations. Returns 'SAME_UPPER' only when a spatial dim is dynamic.
 */
export function onnxPads(
  ctx: OpContext,
  inHW: readonly [number, number],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
): number[] | 'SAME_UPPER' {
  const pad = ctx.attr('pad');
  if (pad === 'valid') return [0, 0, 0, 0];
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  if (pad === 'same') {
    if (inHW[0] < 0 || inHW[1] < 0) return 'SAME_UPPER';
    const before: number[] = [];
    const after: number[] = [];
    for (let d = 0; d < 2; d++) {
      const out = Math.ceil(inHW[d]! / strides[d]!);
      const effective = (kernel[d]! - 1) * dilations[d]! + 1;
      const total = Math.max((out - 1) * strides[d]! + effective - inHW[d]!, 0);
      before.push(Math.floor(total / 2));
      after.push(total - Math.floor(total / 2));
    }
    return [...before, ...after];
  }
  if (Array.isArray(pad) && pad.length === 4) {
    // tfjs ExplicitPadding for NHWC: [[0, 0], [top, bottom], [left, right], [0, 0]]
    const [n, h, w, c] = pad as [number, number][];
    if (n?.[0] !== 0 || n?.[1] !== 0 || c?.[0] !== 0 || c?.[1] !== 0)
      ctx.refuse('explicit padding on the batch or channel axis');
    return [h![0], w![0], h![1], w![1]];
  }
  return ctx.refuse(`pad=${JSON.stringify(pad)} is not 'valid', 'same', a number or explicit NHWC padding`);
}

/**
 * Checks that ONNX's floor-rounded output size equals the traced one (tfjs's `dimRoundingMode` 'ceil'/'round'
 * can differ, and ONNX Conv has no such mode): a different shape would be a wrong model, so refuse.
 */
export function checkOutputHW(
  ctx: OpContext,
  inHW: readonly [number, number],
  pads: number[] | 'SAME_UPPER',
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  outHW: readonly [number, number],
): void {
  if (pads === 'SAME_UPPER' || inHW[0] < 0 || inHW[1] < 0) return;
  for (let d = 0; d < 2; d++) {
    const effective = (kernel[d]! - 1) * dilations[d]! + 1;
    const size = Math.floor((inHW[d]! + pads[d]! + pads[d + 2]! - effective) / strides[d]!) + 1;
    if (size !== outHW[d]) {
      ctx.refuse(
        `ONNX computes an output of ${size} on spatial axis ${d} where the traced kernel gave ${outHW[d]} (dimRoundingMode=${JSON.stringify(ctx.attr('dimRoundingMode'))})`,
      );
    }
  }
}

/** Transposes a row-major constant at export time. */
export function transposeValues<T extends Float32Array | Int32Array | Uint8Array>(
  values: T,
  shape: readonly number[],
  perm: readonly number[],
): T {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d]!;
  }
  const out = new (values.constructor as new (n: number) => T)(values.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < values.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * inStrides[perm[d]!]!;
    out[o] = values[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** A Transpose of input `i`: folded into a new initializer when the input is a constant, else a Transpose node. */
export function transposedInput(ctx: OpContext, i: number, perm: readonly number[], suffix: string): string {
  const values = ctx.constantInput(i);
  const shape = ctx.inTensor(i).shape;
  if (values && shape.every((d) => d >= 0)) {
    const name = ctx.builder.constantOf(ctx.inputId(i))!.name;
    const outShape = perm.map((p) => shape[p]!);
    return ctx.builder.addInitializer(`${name}/${suffix}`, outShape, transposeValues(values, shape, perm));
  }
  return ctx.emit('Transpose', [ctx.input(i)], [{ name: 'perm', kind: 'ints', value: perm }]);
}
