import * as tf from '@tensorflow/tfjs-core';
import type { KernelFuncLike as KernelFunc } from './wasm-kernel-call.js';
import { heapOffset, makeOutput, simdKernels } from './wasm-simd-kernels.js';

/**
 * Wraps wasm's `Sum` so that a float32 sum over every axis but the last — a bias gradient, [128,28,28,20] → [20]
 * in the reference CNN — runs in one pass of our wasm-SIMD kernel; tfjs-backend-wasm 4.22.0 first transposes the
 * reduced axes to the end (a full copy) and then sums rows. Other sums go to the original.
 */
export function withLeadingAxesSum(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    if (x.dtype !== 'float32' || rank < 2) return original(args);
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    if (axes.length !== rank - 1 || axes.some((a, i) => a !== i)) return original(args);
    const cols = x.shape[rank - 1] as number;
    const rows = tf.util.sizeFromShape(x.shape) / Math.max(cols, 1);
    const simd = simdKernels(args.backend);
    if (simd === null || cols === 0 || rows === 0) return original(args);
    const shape = keepDims ? [...x.shape.slice(0, -1).map(() => 1), cols] : [cols];
    const out = makeOutput(args.backend, shape);
    simd.sum_leading(heapOffset(args.backend, x), heapOffset(args.backend, out), rows, cols);
    return out;
  };
}
