import * as tf from '@tensorflow/tfjs-core';
import { callKernel, type KernelBackendLike, release, reshapeInfo, transposeInfo } from './wasm-kernel-call.js';

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
 * the padded input transposed to [inC, H, W, batch] convolved with dy transposed to a [outH, outW, batch, outC]
 * filter, with the forward stride as dilation and the forward dilation as stride; the [inC, fh, fw, outC]
 * result is transposed to the filter layout.
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

  let padded = x;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    padded = callKernel(
      backend,
      'PadV2',
      { x },
      {
        paddings: [
          [0, 0],
          [Math.max(top, 0), Math.max(bottom, 0)],
          [Math.max(left, 0), Math.max(right, 0)],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    temps.push(padded);
  }

  if ((sh === 1 || dh === 1) && (sw === 1 || dw === 1)) {
    const geometry = { fh, fw, inC, outC, sh, sw, dh, dw };
    const out = (usePatches(inC) ? backpropFilterByPatches : backpropFilterByConv)(backend, padded, dy, geometry);
    release(backend, ...temps);
    return out;
  }
  release(backend, ...temps);
  throw new Error(
    `Conv2DBackpropFilter (wasm): strides and dilations cannot both exceed 1 (as in tf.conv2d). Received strides=${sh},${sw}, dilations=${dh},${dw}.`,
  );
}

/** Filter size, channels, strides and dilations of one backprop-filter problem. */
interface FilterGeometry {
  fh: number;
  fw: number;
  inC: number;
  outC: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
}

/**
 * dW as one XNNPACK `Conv2D`: dW[i, j, c, o] = Σ_b,y,x xpad[b, y·s + i·d, x·s + j·d, c] · dy[b, y, x, o] is a
 * convolution of the input seen as [c, H, W, b] with dy seen as a [OH, OW, b, o] filter: stride d, dilation s.
 * Exported for bench/ (both forms on the same problem); the kernel picks one with {@link usePatches}.
 */
export function backpropFilterByConv(
  backend: KernelBackendLike,
  padded: tf.TensorInfo,
  dy: tf.TensorInfo,
  g: FilterGeometry,
): tf.TensorInfo {
  const { fh, fw, inC, outC, sh, sw, dh, dw } = g;
  const xT = transposeInfo(backend, padded, [3, 1, 2, 0]);
  const dyF = transposeInfo(backend, dy, [1, 2, 0, 3]);
  let conv = callKernel(
    backend,
    'Conv2D',
    { x: xT, filter: dyF },
    { strides: [dh, dw], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined },
  );
  release(backend, xT, dyF);
  if ((conv.shape[1] as number) !== fh || (conv.shape[2] as number) !== fw) {
    const cut = callKernel(backend, 'Slice', { x: conv }, { begin: [0, 0, 0, 0], size: [inC, fh, fw, outC] });
    release(backend, conv);
    conv = cut;
  }
  const out = transposeInfo(backend, conv, [1, 2, 0, 3]);
  release(backend, conv);
  return out;
}

/**
 * Whether the patch-matrix form below beats one XNNPACK `Conv2D` for this many input channels. The convolution
 * form has one output pixel per (input channel, filter tap), so with few input channels XNNPACK gets a tiny,
 * badly tiled problem (the reference CNN's first layer, 1 channel: 3.6 GFLOP/s); measured on the reference CNN.
 */
function usePatches(inC: number): boolean {
  return inC <= PATCHES_MAX_IN_CHANNELS;
}
const PATCHES_MAX_IN_CHANNELS = 4;

/**
 * dW as one matrix product: the patch matrix P[(i, j, c), (b, y, x)] = xpad[b, y·sh + i·dh, x·sw + j·dw, c],
 * built from one (strided) slice per filter tap of the input seen as [c, b, H, W], times dy seen as
 * [(b, y, x), o]. The product is [(i, j, c), o]: the filter layout, so no transpose of dy or of the result.
 */
export function backpropFilterByPatches(
  backend: KernelBackendLike,
  padded: tf.TensorInfo,
  dy: tf.TensorInfo,
  f: FilterGeometry,
): tf.TensorInfo {
  const [batch, hp, wp] = padded.shape as [number, number, number, number];
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const rows = batch * oh * ow;
  const temps: tf.TensorInfo[] = [];
  // [c, b, H, W]: for one channel a reshape, else a transpose (one pass over the input)
  const planes =
    f.inC === 1 ? reshapeInfo(backend, padded, [1, batch, hp, wp]) : transposeInfo(backend, padded, [3, 0, 1, 2]);
  temps.push(planes);
  const taps: tf.TensorInfo[] = [];
  for (let i = 0; i < f.fh; i++) {
    for (let j = 0; j < f.fw; j++) {
      const y0 = i * f.dh;
      const x0 = j * f.dw;
      const tap =
        f.sh === 1 && f.sw === 1
          ? callKernel(backend, 'Slice', { x: planes }, { begin: [0, 0, y0, x0], size: [f.inC, batch, oh, ow] })
          : callKernel(
              backend,
              'StridedSlice',
              { x: planes },
              {
                begin: [0, 0, y0, x0],
                end: [f.inC, batch, y0 + (oh - 1) * f.sh + 1, x0 + (ow - 1) * f.sw + 1],
                strides: [1, 1, f.sh, f.sw],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            );
      const flat = reshapeInfo(backend, tap, [f.inC, rows]);
      release(backend, tap);
      taps.push(flat);
    }
  }
  const patches = callKernel(backend, 'Concat', taps, { axis: 0 });
  release(backend, ...taps);
  const a = reshapeInfo(backend, patches, [1, f.fh * f.fw * f.inC, rows]);
  const b = reshapeInfo(backend, dy, [1, rows, f.outC]);
  temps.push(patches, a, b);
  const product = callKernel(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  const out = reshapeInfo(backend, product, [f.fh, f.fw, f.inC, f.outC]);
  release(backend, product, ...temps);
  return out;
}
