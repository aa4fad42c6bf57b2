import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { allFloat, memoryOf, type NativeHostBackend, offsetOf, runFallback } from './heap.js';

type ConvAttrs = {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  inputShape?: number[];
  filterShape?: number[];
};
type ConvArgs = { inputs: Record<string, tf.TensorInfo | undefined>; attrs: ConvAttrs; backend: unknown };

/** The 17 shape numbers the addon's convolutions take (NHWC x, HWIO filter), in its order. */
function shapeArgs(info: tf.backend_util.Conv2DInfo): number[] {
  const p = info.padInfo;
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    p.top,
    p.bottom,
    p.left,
    p.right,
  ];
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo | null {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || xShape.length !== 4 || filterShape.length !== 4) return null;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const p = info.padInfo;
  return info.outHeight > 0 && info.outWidth > 0 && Math.min(p.top, p.bottom, p.left, p.right) >= 0 ? info : null;
}

/**
 * `Conv2D` and `FusedConv2D` (bias, `linear` or `relu`) on oneDNN's convolution; anything else (NCHW, prelu and
 * other activations, int or empty tensors) goes to `fallback`, the wasm kernel.
 */
export function nativeConv2D(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args as unknown as ConvArgs;
    const backend = args.backend as unknown as NativeHostBackend;
    const { x, filter, bias, preluActivationWeights } = inputs as Record<string, tf.TensorInfo>;
    const activation = attrs.activation ?? 'linear';
    const info = x && filter ? convInfo(x.shape, filter.shape, attrs) : null;
    if (
      info === null ||
      !allFloat(x as tf.TensorInfo, filter as tf.TensorInfo, ...(bias ? [bias] : [])) ||
      preluActivationWeights !== undefined ||
      (activation !== 'linear' && activation !== 'relu') ||
      (bias !== undefined && bias.shape.reduce((p, d) => p * d, 1) !== info.outChannels)
    ) {
      return runFallback(fallback, args as never, 'Conv2D');
    }
    const out = backend.makeOutput(info.outShape, 'float32');
    addon.conv2d(
      memoryOf(backend),
      offsetOf(backend, x as tf.TensorInfo),
      offsetOf(backend, filter as tf.TensorInfo),
      offsetOf(backend, out),
      bias ? offsetOf(backend, bias) : -1,
      activation === 'relu' ? 1 : 0,
      ...shapeArgs(info),
    );
    return out;
  };
}

/**
 * One of the two convolution gradients: inputs `a` and `b` (by name), the output shape from the attribute `shapeOf`
 * names, and the forward convolution's shape from the x and filter shapes `geometry` picks.
 */
function convGradient(
  kernelName: string,
  names: readonly [string, string],
  outShape: (attrs: ConvAttrs) => number[] | undefined,
  geometry: (a: tf.TensorInfo, b: tf.TensorInfo, out: number[]) => [number[], number[]],
  run: (memory: ArrayBuffer, a: number, b: number, out: number, ...shape: number[]) => void,
  fallback: tf.KernelFunc | undefined,
): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args as unknown as ConvArgs;
    const backend = args.backend as unknown as NativeHostBackend;
    const a = inputs[names[0]];
    const b = inputs[names[1]];
    const shape = outShape(attrs);
    const info = a && b && shape ? convInfo(...geometry(a, b, shape), attrs) : null;
    if (info === null || !allFloat(a as tf.TensorInfo, b as tf.TensorInfo)) {
      return runFallback(fallback, args as never, kernelName);
    }
    const out = backend.makeOutput(shape as number[], 'float32');
    run(
      memoryOf(backend),
      offsetOf(backend, a as tf.TensorInfo),
      offsetOf(backend, b as tf.TensorInfo),
      offsetOf(backend, out),
      ...shapeArgs(info),
    );
    return out;
  };
}

/** `Conv2DBackpropInput` (dy, filter → dx) on oneDNN's backward-data convolution. */
export function nativeConv2DBackpropInput(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return convGradient(
    'Conv2DBackpropInput',
    ['dy', 'filter'],
    (attrs) => attrs.inputShape,
    (_dy, filter, xShape) => [xShape, filter.shape],
    (...a) => addon.conv2dBackpropInput(...a),
    fallback,
  );
}

/** `Conv2DBackpropFilter` (x, dy → dw, HWIO) on oneDNN's backward-weights convolution. */
export function nativeConv2DBackpropFilter(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return convGradient(
    'Conv2DBackpropFilter',
    ['x', 'dy'],
    (attrs) => attrs.filterShape,
    (x, _dy, filterShape) => [x.shape, filterShape],
    (...a) => addon.conv2dBackpropFilter(...a),
    fallback,
  );
}
