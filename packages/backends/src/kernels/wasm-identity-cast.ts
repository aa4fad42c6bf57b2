import type * as tf from '@tensorflow/tfjs-core';
import { heapViews } from './wasm-heap.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';

type KernelFunc = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackendLike;
  attrs: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

/**
 * Wraps wasm's `Identity` or `Cast` so that an output equal to its input shares the input's buffer (a reference
 * count, as the wasm `Reshape` and tfjs-backend-cpu's `Identity` do) instead of copying it: tfjs-backend-wasm
 * 4.22.0 copies, and tfjs-core's gradients call both on activation-sized tensors every training step (the
 * reference CNN: ~50 `Identity` and ~14 same-dtype `Cast` calls a step). No wasm kernel writes into its inputs,
 * so a shared buffer is never changed behind a tensor's back. A cast to `bool` is `x != 0`, as on cpu (4.22.0's
 * wasm `Cast` wrote the low byte of each value: -1.7 became 255 and 0.5 became 0). Strings and other casts go to
 * the original.
 */
export function withSharedBuffer(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const dtype = (args.attrs as { dtype?: tf.DataType } | undefined)?.dtype ?? x.dtype;
    if (x.dtype === 'string') return original(args);
    if (dtype === x.dtype) {
      (args.backend as unknown as { incRef(id: tf.DataId): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
    }
    if (dtype !== 'bool') return original(args);
    const { out, outValues, inValues } = heapViews(args.backend, [x], x.shape.slice(), 'bool');
    const values = inValues[0] as Float32Array | Int32Array;
    for (let i = 0; i < values.length; i++) outValues[i] = values[i] !== 0 ? 1 : 0;
    return out;
  };
}
