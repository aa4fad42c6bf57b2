import * as tf from '@tensorflow/tfjs-core';
import { callKernel, type KernelBackendLike, release, reshapeInfo, transposeInfo } from './wasm-kernel-call.js';

type KernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackendLike;
  attrs: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

interface Conv2DBackpropInputAttrsLike {
  inputShape: [number, number, number, number];
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Wraps wasm's `Conv2DBackpropInput` (a scalar loop in 4.22.0) with a version that runs on XNNPACK's `Conv2D`:
 * dx is the stride-1 'valid' correlation of `dy` — zero-upsampled by the stride and padded by
 * (filter − 1 − forward padding) — with the filter flipped in space and with in/out channels swapped. Cases it
 * does not cover (forward padding larger than filter − 1) go to the original kernel.
 */
export function withFastBackpropInput(original: KernelFunc): KernelFunc {
  return (args) => {
    const { backend } = args;
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrsLike;
    const filter = args.inputs.filter as tf.TensorInfo;
    const nchw = attrs.dataFormat === 'NCHW';
    const s = attrs.inputShape;
    const inShape: [number, number, number, number] = nchw ? [s[0], s[2], s[3], s[1]] : [s[0], s[1], s[2], s[3]];
    const [fh, fw, inC, outC] = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(
      inShape,
      [fh, fw, inC, outC],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const { strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
    const [batch, height, width] = inShape;
    const padTop = fh - 1 - info.padInfo.top;
    const padLeft = fw - 1 - info.padInfo.left;
    if (padTop < 0 || padLeft < 0) return original(args);

    const temps: tf.TensorInfo[] = [];
    let dy = args.inputs.dy as tf.TensorInfo;
    if (nchw) {
      dy = transposeInfo(backend, dy, [0, 2, 3, 1]);
      temps.push(dy);
    }
    let up = dy;
    if (sh > 1 || sw > 1) {
      const r6 = reshapeInfo(backend, dy, [batch, outHeight, 1, outWidth, 1, outC]);
      const p6 = callKernel(
        backend,
        'PadV2',
        { x: r6 },
        {
          paddings: [
            [0, 0],
            [0, 0],
            [0, sh - 1],
            [0, 0],
            [0, sw - 1],
            [0, 0],
          ],
          constantValue: 0,
        },
      );
      up = reshapeInfo(backend, p6, [batch, outHeight * sh, outWidth * sw, outC]);
      temps.push(r6, p6, up);
    }
    const needH = height + fh - 1;
    const needW = width + fw - 1;
    const padBottom = needH - padTop - (up.shape[1] as number);
    const padRight = needW - padLeft - (up.shape[2] as number);
    let padded = callKernel(
      backend,
      'PadV2',
      { x: up },
      {
        paddings: [
          [0, 0],
          [padTop, Math.max(padBottom, 0)],
          [padLeft, Math.max(padRight, 0)],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    temps.push(padded);
    if (padBottom < 0 || padRight < 0) {
      padded = callKernel(backend, 'Slice', { x: padded }, { begin: [0, 0, 0, 0], size: [batch, needH, needW, outC] });
      temps.push(padded);
    }
    const flipped = callKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = transposeInfo(backend, flipped, [0, 1, 3, 2]); // [fh, fw, outC, inC]
    temps.push(flipped, swapped);
    let dx = callKernel(
      backend,
      'Conv2D',
      { x: padded, filter: swapped },
      { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined },
    );
    if (nchw) {
      const t = transposeInfo(backend, dx, [0, 3, 1, 2]);
      release(backend, dx);
      dx = t;
    }
    release(backend, ...temps);
    return dx;
  };
}
