/**
 * `@estimatorjs/io`'s `READ_INTO_KERNEL` on cpu and wasm: copies a float32 tensor's values into the caller's array
 * (`attrs.out`) and returns the input as a new handle on the same data. `data()` hands out a new array every call;
 * on wasm that is fresh memory (tfjs-backend-wasm 4.22.0 slices its heap), whose page faults cost more than the copy
 * (the reference CNN's 2.4 MB gradient vector: ~6 ms against ~0.3 ms into an array in use, on the development
 * machine). The Estimator reads the gradients it all-reduces every step through it.
 */
import { READ_INTO_KERNEL, type ReadIntoAttrs } from '@estimatorjs/io';
import type * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../backend-error.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';

type Args = { inputs: tf.NamedTensorInfoMap; backend: KernelBackendLike; attrs: tf.NamedAttrMap };

/** tfjs-backend-cpu 4.22.0: a tensor's values live in `data`; `incRef` shares them with a new handle. */
interface CpuInternals {
  data: { get(id: tf.DataId): { values: tf.backend_util.BackendValues } };
  incRef(id: tf.DataId): void;
}

/** tfjs-backend-wasm 4.22.0: a view of a tensor's values in its heap (no copy); `incRef` as on cpu. */
interface WasmInternals {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
  incRef(id: tf.DataId): void;
}

function checked(args: Args): { x: tf.TensorInfo; out: Float32Array; size: number } {
  const x = args.inputs.x as tf.TensorInfo | undefined;
  const { out } = args.attrs as unknown as Partial<ReadIntoAttrs>;
  const size = x ? x.shape.reduce((a, b) => a * b, 1) : 0;
  if (x?.dtype !== 'float32' || !(out instanceof Float32Array) || out.length < size) {
    const got = `x=${x ? `${x.dtype}[${x.shape}]` : 'missing'}, out=${out instanceof Float32Array ? `Float32Array(${out.length})` : typeof out}`;
    throw new BackendError(
      'INVALID_KERNEL_INPUT',
      `${READ_INTO_KERNEL}: expected a float32 x and a Float32Array out of at least x's size; received ${got}.`,
    );
  }
  return { x, out, size };
}

/** The same data under a new handle (the caller disposes it), as tfjs's own `Identity` on cpu. */
function shared(backend: { incRef(id: tf.DataId): void }, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
}

export function cpuReadInto(args: Args): tf.TensorInfo {
  const { x, out, size } = checked(args);
  const backend = args.backend as unknown as CpuInternals;
  out.set((backend.data.get(x.dataId).values as Float32Array).subarray(0, size));
  return shared(backend, x);
}

export function wasmReadInto(args: Args): tf.TensorInfo {
  const { x, out } = checked(args);
  const backend = args.backend as unknown as WasmInternals;
  out.set(backend.typedArrayFromHeap(x));
  return shared(backend, x);
}
