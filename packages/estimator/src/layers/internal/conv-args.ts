import { describe, ModelFnError } from '../../errors.js';

/** An integer for every spatial axis, or one for all of them (TF's `int or tuple`). */
export type Sizes<N extends number> =
  | number
  | (N extends 1 ? [number] : N extends 2 ? [number, number] : [number, number, number]);

/** `size` as one positive integer per spatial axis. */
export function spatialSizes(api: string, arg: string, size: unknown, dims: number): number[] {
  const list = typeof size === 'number' ? Array<number>(dims).fill(size) : size;
  if (!Array.isArray(list) || list.length !== dims || !list.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: ${arg} must be an integer > 0 or ${dims} of them. Received ${Array.isArray(size) ? `[${size}]` : describe(size)}.`,
    );
  }
  return list;
}

/** `'valid'` or `'same'` (default `'valid'`, as tf.layers); TF's upper-case spellings are accepted too. */
export function checkPadding(api: string, padding: unknown): 'valid' | 'same' {
  if (padding === undefined) return 'valid';
  const p = typeof padding === 'string' ? padding.toLowerCase() : padding;
  if (p === 'valid' || p === 'same') return p;
  throw new ModelFnError(
    'INVALID_ARGUMENT',
    `${api}: padding must be 'valid' or 'same'. Received ${describe(padding)}.`,
  );
}

/** An integer > 0 (filters, units, depthMultiplier). */
export function checkPositiveInt(api: string, arg: string, n: unknown): number {
  if (!Number.isInteger(n) || (n as number) <= 0) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: ${arg} must be an integer > 0. Received ${describe(n)}.`);
  }
  return n as number;
}

/** TF refuses strides > 1 together with a dilation rate > 1 (so does tfjs); say so at the layer. */
export function checkStridesOrDilation(api: string, strides: readonly number[], dilation: readonly number[]): void {
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: strides > 1 and dilationRate > 1 cannot be combined (as in TF). Received strides [${strides}], dilationRate [${dilation}].`,
    );
  }
}
