import * as tf from '@tensorflow/tfjs-core';
import { heapViews } from './wasm-heap.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';

interface DepthwiseBackpropAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: KernelBackendLike; attrs: tf.NamedAttrMap };

function geometry(xShape: [number, number, number, number], attrs: DepthwiseBackpropAttrs, filterShape: number[]) {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
  );
}

/**
 * Visits every (input pixel, output pixel, filter tap) triple of a depthwise convolution once, calling
 * `visit(xBase, dyBase, wBase)` with the flat offsets of x[b, h, w, 0], dy[b, oh, ow, 0] and filter[i, j, 0, 0].
 */
function forEachTap(info: tf.backend_util.Conv2DInfo, visit: (xBase: number, dyBase: number, wBase: number) => void) {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const mult = outChannels / inChannels;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let i = 0; i < filterHeight; i++) {
        const h = oh * strideHeight + i * dilationHeight - top;
        if (h < 0 || h >= inHeight) continue;
        for (let ow = 0; ow < outWidth; ow++) {
          const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
          for (let j = 0; j < filterWidth; j++) {
            const w = ow * strideWidth + j * dilationWidth - left;
            if (w < 0 || w >= inWidth) continue;
            visit(((b * inHeight + h) * inWidth + w) * inChannels, dyBase, (i * filterWidth + j) * inChannels * mult);
          }
        }
      }
    }
  }
}

/**
 * `DepthwiseConv2dNativeBackpropFilter` for the wasm backend (missing in tfjs-backend-wasm 4.22.0): a direct
 * loop on the wasm heap. Correct for every stride, padding and dilation; not SIMD-fast.
 */
export function wasmDepthwiseConv2dBackpropFilter(args: Args): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const dy = args.inputs.dy as tf.TensorInfo;
  const attrs = args.attrs as unknown as DepthwiseBackpropAttrs;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = geometry(x.shape as [number, number, number, number], attrs, filterShape);
  const channels = info.inChannels;
  const mult = info.outChannels / channels;
  const { out, outValues: dw, inValues } = heapViews(args.backend, [x, dy], filterShape, 'float32');
  const [xv, dyv] = inValues as [Float32Array, Float32Array];
  forEachTap(info, (xBase, dyBase, wBase) => {
    for (let c = 0; c < channels; c++) {
      const xval = xv[xBase + c] as number;
      for (let m = 0; m < mult; m++) {
        const k = c * mult + m;
        dw[wBase + k] = (dw[wBase + k] as number) + xval * (dyv[dyBase + k] as number);
      }
    }
  });
  return out;
}

/**
 * `DepthwiseConv2dNativeBackpropInput` for the wasm backend (missing in tfjs-backend-wasm 4.22.0): a direct loop
 * on the wasm heap. Correct for every stride, padding and dilation; not SIMD-fast.
 */
export function wasmDepthwiseConv2dBackpropInput(args: Args): tf.TensorInfo {
  const dy = args.inputs.dy as tf.TensorInfo;
  const filter = args.inputs.filter as tf.TensorInfo;
  const attrs = args.attrs as unknown as DepthwiseBackpropAttrs;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = geometry(inputShape, attrs, filter.shape);
  const channels = info.inChannels;
  const mult = info.outChannels / channels;
  const { out, outValues: dx, inValues } = heapViews(args.backend, [dy, filter], inputShape, 'float32');
  const [dyv, wv] = inValues as [Float32Array, Float32Array];
  forEachTap(info, (xBase, dyBase, wBase) => {
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let m = 0; m < mult; m++) {
        const k = c * mult + m;
        sum += (dyv[dyBase + k] as number) * (wv[wBase + k] as number);
      }
      dx[xBase + c] = (dx[xBase + c] as number) + sum;
    }
  });
  return out;
}
