import * as tf from '@tensorflow/tfjs-core';
import { callKernel, type KernelBackendLike, release, transposeInfo } from './wasm-kernel-call.js';
import { makeOutput, runConv, simdKernels } from './wasm-simd-kernels.js';

/**
 * Input channels up to which our wasm-SIMD kernel computes the filter gradient: there XNNPACK's form below
 * reduces over batch·H·W (100,352 for the reference CNN's first layer) with poor tiling (26 ms against 4 ms).
 * Above it, XNNPACK's GEMM is as fast as a direct loop.
 */
const SIMD_MAX_IN_CHANNELS = 4;

interface Conv2DBackpropFilterAttrsLike {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  dilations?: [number, number] | number;
}

/**
 * `Conv2DBackpropFilter` for the wasm backend (missing in tfjs-backend-wasm 4.22.0), as one XNNPACK `Conv2D`:
 * the input transposed to [inC, H, W, batch] convolved, with the forward padding, with dy transposed to a
 * [outH, outW, batch, outC] filter, with the forward stride as dilation and the forward dilation as stride; the
 * [inC, fh, fw, outC] result is transposed to the filter layout. Layers with few input channels (the first
 * layer of an image model) use our wasm-SIMD kernel instead, which reads x and dy where they lie.
 */
export function wasmConv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackendLike;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { backend } = args;
  const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrsLike;
  let x = args.inputs.x as tf.TensorInfo;
  let dy = args.inputs.dy as tf.TensorInfo;
  const temps: tf.TensorInfo[] = [];
  if (attrs.dataFormat === 'NCHW') {
    x = transposeInfo(backend, x, [0, 2, 3, 1]);
    dy = transposeInfo(backend, dy, [0, 2, 3, 1]);
    temps.push(x, dy);
  }
  const [fh, fw, inC, outC] = attrs.filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, bottom, left, right } = info.padInfo;
  const simd = simdKernels(backend);
  if (
    simd !== null &&
    dh === 1 &&
    dw === 1 &&
    inC <= SIMD_MAX_IN_CHANNELS &&
    outC % 4 === 0 &&
    x.dtype === 'float32' &&
    dy.dtype === 'float32' &&
    tf.util.sizeFromShape(x.shape) > 0 &&
    tf.util.sizeFromShape(dy.shape) > 0
  ) {
    const out = makeOutput(backend, [fh, fw, inC, outC]);
    runConv(backend, simd.conv2d_backprop_filter, x, dy, out, info);
    release(backend, ...temps);
    return out;
  }

  // dW[i, j, c, o] = Σ_b,y,x xpad[b, y·s + i·d, x·s + j·d, c] · dy[b, y, x, o] is a convolution of the input
  // seen as [c, H, W, b] with dy seen as a [OH, OW, b, o] filter: stride d, dilation s (XNNPACK Conv2D). The
  // forward padding becomes the convolution's own (XNNPACK pads on the fly), so the input is never copied padded.
  if ((sh === 1 || dh === 1) && (sw === 1 || dw === 1)) {
    const xT = transposeInfo(backend, x, [3, 1, 2, 0]);
    const dyF = transposeInfo(backend, dy, [1, 2, 0, 3]);
    const pad = [
      [0, 0],
      [Math.max(top, 0), Math.max(bottom, 0)],
      [Math.max(left, 0), Math.max(right, 0)],
      [0, 0],
    ];
    let conv = callKernel(
      backend,
      'Conv2D',
      { x: xT, filter: dyF },
      { strides: [dh, dw], pad, dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined },
    );
    release(backend, xT, dyF);
    if ((conv.shape[1] as number) !== fh || (conv.shape[2] as number) !== fw) {
      const cut = callKernel(backend, 'Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [inC, fh, fw, outC] });
      release(backend, conv);
      conv = cut;
    }
    const out = transposeInfo(backend, conv, [1, 2, 0, 3]);
    release(backend, conv, ...temps);
    return out;
  }
  release(backend, ...temps);
  throw new Error(
    `Conv2DBackpropFilter (wasm): strides and dilations cannot both exceed 1 (as in tf.conv2d). Received strides=${sh},${sw}, dilations=${dh},${dw}.`,
  );
}
