import * as tf from '@tensorflow/tfjs-core';
import type { KernelFuncLike as KernelFunc } from './wasm-kernel-call.js';
import { makeOutput, runConv, simdKernels } from './wasm-simd-kernels.js';

interface Conv2DAttrsLike {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Input channels up to which the direct kernel beats XNNPACK (whose packing dominates with so little depth). */
const MAX_IN_CHANNELS = 4;
/** Output channels the direct kernel keeps in registers (eight 4-lane vectors). */
const MAX_OUT_CHANNELS = 32;

/**
 * Wraps wasm's `Conv2D` so that convolutions with few input channels (an image model's first layer: the reference
 * CNN's 28×28×1 → 20 took 12–13 ms a step on XNNPACK, 5–7 here) run in our wasm-SIMD direct kernel: each output
 * pixel's channels accumulate in registers over the window's taps, reading the input and filter where they lie.
 * NHWC float32, dilation 1, up to 4 input and 32 output channels (a multiple of 4); everything else, and any case
 * where our module is not loaded, goes to the original.
 */
export function withFewChannelConv2D(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const filter = args.inputs.filter as tf.TensorInfo;
    const attrs = args.attrs as unknown as Conv2DAttrsLike;
    const [fh, fw, inC, outC] = filter.shape as [number, number, number, number];
    if (
      attrs.dataFormat === 'NCHW' ||
      x.dtype !== 'float32' ||
      filter.dtype !== 'float32' ||
      inC > MAX_IN_CHANNELS ||
      outC > MAX_OUT_CHANNELS ||
      outC % 4 !== 0 ||
      tf.util.sizeFromShape(x.shape) === 0
    ) {
      return original(args);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      [fh, fw, inC, outC],
      attrs.strides,
      attrs.dilations ?? 1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const simd = simdKernels(args.backend);
    if (simd === null || info.dilationHeight !== 1 || info.dilationWidth !== 1) return original(args);
    if (tf.util.sizeFromShape(info.outShape) === 0) return original(args);
    const out = makeOutput(args.backend, info.outShape.slice());
    runConv(args.backend, simd.conv2d_few_channels, x, filter, out, info);
    return out;
  };
}
