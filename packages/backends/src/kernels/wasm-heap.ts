import type * as tf from '@tensorflow/tfjs-core';
import type { KernelBackendLike } from './wasm-kernel-call.js';

/** The two BackendWasm methods the heap-loop kernels use (tfjs-backend-wasm 4.22.0). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Allocates a zero-filled wasm output and returns it with fresh heap views of `inputs` and of the output. */
export function heapViews(
  backend: KernelBackendLike,
  inputs: tf.TensorInfo[],
  outShape: number[],
  dtype: tf.DataType,
): { out: tf.TensorInfo; outValues: Float32Array | Int32Array; inValues: Array<Float32Array | Int32Array> } {
  const wasm = backend as unknown as WasmHeapBackend;
  // Allocate first: allocation may grow wasm memory and detach earlier views.
  const out = wasm.makeOutput(outShape, dtype);
  const outValues = wasm.typedArrayFromHeap(out) as Float32Array | Int32Array;
  outValues.fill(0);
  const inValues = inputs.map((i) => wasm.typedArrayFromHeap(i) as Float32Array | Int32Array);
  return { out, outValues, inValues };
}
