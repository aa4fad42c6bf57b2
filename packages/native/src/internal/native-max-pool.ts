import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { allFloat, memoryOf, type NativeHostBackend, offsetOf, runFallback } from './heap.js';

type PoolAttrs = {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
};
type PoolArgs = { inputs: Record<string, tf.TensorInfo | undefined>; attrs: PoolAttrs; backend: unknown };

/**
 * tfjs's pooling shape of a 4-D NHWC input, or null for what the addon's loops do not cover (another rank,
 * dilation, an empty output, negative padding).
 */
function poolInfo(xShape: number[], attrs: PoolAttrs): tf.backend_util.Conv2DInfo | null {
  const dilations = attrs.dilations ?? 1;
  if (xShape.length !== 4 || !(dilations === 1 || (Array.isArray(dilations) && dilations.every((d) => d === 1)))) {
    return null;
  }
  const info = tf.backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const p = info.padInfo;
  return info.outHeight > 0 && info.outWidth > 0 && Math.min(p.top, p.left) >= 0 ? info : null;
}

/** The 12 shape numbers the addon's poolings take, in its order. */
function shapeArgs(info: tf.backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

/**
 * `MaxPool` (NHWC float32, dilation 1) on the addon's 2-thread loop, bit-identical to tfjs-backend-cpu (NaN skipped);
 * the 1×1 identity pooling and anything else go to `fallback`, the wasm kernel.
 */
export function nativeMaxPool(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args as unknown as PoolArgs;
    const backend = args.backend as unknown as NativeHostBackend;
    const x = inputs.x;
    const info = x && allFloat(x) ? poolInfo(x.shape, attrs) : null;
    if (
      info === null ||
      (info.filterHeight === 1 && info.filterWidth === 1 && tf.util.arraysEqual(info.inShape, info.outShape))
    ) {
      return runFallback(fallback, args as never, 'MaxPool');
    }
    const out = backend.makeOutput(info.outShape, 'float32');
    addon.maxPool(memoryOf(backend), offsetOf(backend, x as tf.TensorInfo), offsetOf(backend, out), ...shapeArgs(info));
    return out;
  };
}

/**
 * `MaxPoolGrad` (dy, input, output → dx) on the addon's loop: the gradient goes to the first strict maximum of each
 * window, recomputed from the input, as tfjs-backend-cpu's maxPoolPositions picks it (`output` is not read).
 */
export function nativeMaxPoolGrad(addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc {
  return (args) => {
    const { inputs, attrs } = args as unknown as PoolArgs;
    const backend = args.backend as unknown as NativeHostBackend;
    const { dy, input } = inputs;
    const info = dy && input && allFloat(dy, input) ? poolInfo(input.shape, attrs) : null;
    if (info === null || !tf.util.arraysEqual(info.outShape, (dy as tf.TensorInfo).shape)) {
      return runFallback(fallback, args as never, 'MaxPoolGrad');
    }
    const out = backend.makeOutput(input?.shape as number[], 'float32');
    addon.maxPoolGrad(
      memoryOf(backend),
      offsetOf(backend, dy as tf.TensorInfo),
      offsetOf(backend, input as tf.TensorInfo),
      offsetOf(backend, out),
      ...shapeArgs(info),
    );
    return out;
  };
}
