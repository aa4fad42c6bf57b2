import * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { allFloat, memoryOf, type NativeHostBackend, offsetOf, runFallback } from './heap.js';

/** The addon's elementwise ops (native.cc's EltOp). */
const OP = { Add: 0, Multiply: 1, Relu: 2, Step: 3 } as const;

type Args = { inputs: Record<string, tf.TensorInfo | undefined>; attrs: { alpha?: number }; backend: unknown };

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

/** `alpha` as the bit pattern of the float32 tfjs-backend-cpu stores it as. */
function float32Bits(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getUint32(0);
}

/**
 * `Add` or `Multiply` of two float32 tensors of one shape, or of a tensor and a 1-D bias over its last axis (either
 * order: both ops commute), on the addon's threaded loop; every other broadcast goes to `fallback`, the wasm kernel.
 */
export function nativeBinary(name: 'Add' | 'Multiply') {
  return (addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc =>
    (args) => {
      const { inputs } = args as unknown as Args;
      const backend = args.backend as unknown as NativeHostBackend;
      let { a, b } = inputs;
      if (a && b && b.shape.length > 1 && a.shape.length === 1) [a, b] = [b, a];
      const sameShape = a && b && tf.util.arraysEqual(a.shape, b.shape);
      const bias = a && b && a.shape.length >= 2 && b.shape.length === 1 && b.shape[0] === a.shape[a.shape.length - 1];
      if (!a || !b || !allFloat(a, b) || !(sameShape || bias)) return runFallback(fallback, args as never, name);
      const out = backend.makeOutput(a.shape, 'float32');
      const n = size(a.shape);
      addon.elementwise(
        memoryOf(backend),
        OP[name],
        offsetOf(backend, a),
        offsetOf(backend, b),
        offsetOf(backend, out),
        n,
        sameShape ? n : (b.shape[0] as number),
        0,
      );
      return out;
    };
}

/** `Relu` or `Step` of a float32 tensor on the addon's threaded loop; other dtypes go to `fallback`. */
export function nativeUnary(name: 'Relu' | 'Step') {
  return (addon: NativeAddon, fallback: tf.KernelFunc | undefined): tf.KernelFunc =>
    (args) => {
      const { inputs, attrs } = args as unknown as Args;
      const backend = args.backend as unknown as NativeHostBackend;
      const { x } = inputs;
      if (!x || !allFloat(x)) return runFallback(fallback, args as never, name);
      const out = backend.makeOutput(x.shape, 'float32');
      const offset = offsetOf(backend, x);
      const alpha = float32Bits(name === 'Step' ? (attrs.alpha ?? 0) : 0);
      addon.elementwise(memoryOf(backend), OP[name], offset, offset, offsetOf(backend, out), size(x.shape), 1, alpha);
      return out;
    };
}
