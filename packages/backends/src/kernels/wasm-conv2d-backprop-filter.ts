import * as tf from '@tensorflow/tfjs-core';
import { callKernel, type KernelBackendLike, release, reshapeInfo, transposeInfo } from './wasm-kernel-call.js';

/** Largest im2col chunk, in float32 elements (16 MiB), so big batches do not exhaust wasm memory. */
const MAX_PATCH_ELEMENTS = 4 * 1024 * 1024;

interface Conv2DBackpropFilterAttrsLike {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
  dilations?: [number, number] | number;
}

/**
 * `Conv2DBackpropFilter` for the wasm backend, built from wasm's fast kernels: the input patches are gathered
 * (im2col) with one strided slice per filter tap and a concat, then dW = (dyᵀ · patches)ᵀ is one XNNPACK matmul.
 * Batches whose patch matrix would exceed {@link MAX_PATCH_ELEMENTS} are processed in chunks and summed.
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
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, outHeight, outWidth } = info;
  const { top, bottom, left, right } = info.padInfo;
  const batch = x.shape[0] as number;
  const k = fh * fw * inC;

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

  const perExample = outHeight * outWidth * k;
  const chunk = Math.max(1, Math.min(batch, Math.floor(MAX_PATCH_ELEMENTS / Math.max(perExample, 1))));
  let acc: tf.TensorInfo | undefined; // [outC, k]
  for (let b0 = 0; b0 < batch; b0 += chunk) {
    const nb = Math.min(chunk, batch - b0);
    const taps: tf.TensorInfo[] = [];
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const r0 = i * dh;
        const c0 = j * dw;
        taps.push(
          callKernel(
            backend,
            'StridedSlice',
            { x: padded },
            {
              begin: [b0, r0, c0, 0],
              end: [b0 + nb, r0 + (outHeight - 1) * sh + 1, c0 + (outWidth - 1) * sw + 1, inC],
              strides: [1, sh, sw, 1],
              beginMask: 0,
              endMask: 0,
              ellipsisMask: 0,
              newAxisMask: 0,
              shrinkAxisMask: 0,
            },
          ),
        );
      }
    }
    const patches = taps.length === 1 ? (taps[0] as tf.TensorInfo) : callKernel(backend, 'Concat', taps, { axis: 3 });
    if (taps.length > 1) release(backend, ...taps);
    const rows = nb * outHeight * outWidth;
    const patches3 = reshapeInfo(backend, patches, [1, rows, k]);
    let dyChunk = dy;
    if (nb !== batch) {
      dyChunk = callKernel(
        backend,
        'Slice',
        { x: dy },
        { begin: [b0, 0, 0, 0], size: [nb, outHeight, outWidth, outC] },
      );
    }
    const dy3 = reshapeInfo(backend, dyChunk, [1, rows, outC]);
    const dyT = transposeInfo(backend, dy3, [0, 2, 1]); // [1, outC, rows]
    const part = callKernel(backend, 'BatchMatMul', { a: dyT, b: patches3 }, { transposeA: false, transposeB: false });
    release(backend, patches, patches3, dy3, dyT);
    if (dyChunk !== dy) release(backend, dyChunk);
    if (acc === undefined) {
      acc = part;
    } else {
      const sum = callKernel(backend, 'Add', { a: acc, b: part });
      release(backend, acc, part);
      acc = sum;
    }
  }
  release(backend, ...temps);
  const accInfo = acc as tf.TensorInfo;
  const acc2 = reshapeInfo(backend, accInfo, [outC, k]);
  const filterT = transposeInfo(backend, acc2, [1, 0]); // [k, outC]
  const out = reshapeInfo(backend, filterT, [fh, fw, inC, outC]);
  release(backend, accInfo, acc2, filterT);
  return out;
}
