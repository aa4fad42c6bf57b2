import * as tf from '@tensorflow/tfjs-core';
import { heapViews } from './wasm-heap.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';
import { heapOffset, makeOutput, simdKernels } from './wasm-simd-kernels.js';

interface MaxPoolGradAttrsLike {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * `MaxPoolGrad` for the wasm backend, replacing tfjs-backend-wasm 4.22.0's (which took ~50 ms for the reference
 * CNN's first pool at batch 128, a sixth of the training step): one pass over the pooling windows on the wasm
 * heap, all channels of a window at once, sending each `dy` to the first maximum of its window (row-major window
 * order, padding skipped), as TensorFlow and tfjs-backend-cpu do; overlapping windows accumulate. Runs in our
 * wasm-SIMD kernel (four channels of a window at once, ~4× the JavaScript loop) where it loads, else in JavaScript.
 */
export function wasmMaxPoolGrad(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackendLike;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const dy = args.inputs.dy as tf.TensorInfo;
  const input = args.inputs.input as tf.TensorInfo;
  const attrs = args.attrs as unknown as MaxPoolGradAttrsLike;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: ch, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const simd = simdKernels(args.backend);
  if (simd !== null && dy.dtype === 'float32' && input.dtype === 'float32' && tf.util.sizeFromShape(input.shape) > 0) {
    const out = makeOutput(args.backend, input.shape.slice());
    simd.max_pool_grad(
      heapOffset(args.backend, dy),
      heapOffset(args.backend, input),
      heapOffset(args.backend, out),
      batchSize,
      inHeight,
      inWidth,
      ch,
      outHeight,
      outWidth,
      strideHeight,
      strideWidth,
      filterHeight,
      filterWidth,
      top,
      left,
    );
    return out;
  }
  const { out, outValues: dx, inValues } = heapViews(args.backend, [dy, input], input.shape, 'float32');
  const [dyv, xv] = inValues as [Float32Array, Float32Array];
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * ch;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yMin = Math.max(0, y0);
      const yMax = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const xMin = Math.max(0, x0);
        const xMax = Math.min(inWidth, x0 + filterWidth);
        const g = ((b * outHeight + oy) * outWidth + ox) * ch;
        // channel by channel, the window's few taps in registers: no per-window scratch arrays
        for (let c = 0; c < ch; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let where = -1;
          for (let y = yMin; y < yMax; y++) {
            for (let x = xMin, at = xBatch + (y * inWidth + xMin) * ch + c; x < xMax; x++, at += ch) {
              const v = xv[at] as number;
              if (v > best) {
                best = v;
                where = at;
              }
            }
          }
          if (where >= 0) dx[where] = (dx[where] as number) + (dyv[g + c] as number);
        }
      }
    }
  }
  return out;
}
