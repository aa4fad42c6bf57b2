/**
 * New tensors whose storage the pipeline fills in place (a batch gather writes each value once).
 *
 * Why: gathering a batch into a fresh JavaScript array costs page faults and garbage collection (a
 * 60000×784 pipeline makes a 400 KB array per batch), and on backends that keep tensors in their own memory
 * (wasm) a second copy when the array becomes a tensor. Backends that expose their heap the way
 * tfjs-backend-wasm does (`makeOutput` + `typedArrayFromHeap`, the calls its own kernels use for their
 * outputs) get the values written straight into the tensor's memory; every other backend gets an
 * uninitialized array that `tf.tensor` takes without copying. Feature-detected: no backend is imported.
 */

import * as tf from '@tensorflow/tfjs-core';
import { allocUninitialized } from '#data-platform';

/** A typed array a pipeline column may hold. */
export type ColumnArray = Float32Array | Int32Array | Uint8Array;
type NumericDType = 'float32' | 'int32' | 'bool';

/** The two public methods of tfjs-backend-wasm's backend that let a caller fill a new tensor in place. */
interface HeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: NumericDType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): ColumnArray;
}

function isHeapBackend(b: tf.KernelBackend): b is HeapBackend {
  const h = b as Partial<HeapBackend>;
  return typeof h.makeOutput === 'function' && typeof h.typedArrayFromHeap === 'function';
}

const ARRAY_TYPES = { float32: Float32Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * A new tensor of `shape` and `dtype` on the active backend, its values written by `fill` (which must write
 * every element: the storage starts uninitialized). The caller owns the tensor.
 */
export function fillNewTensor(shape: number[], dtype: NumericDType, fill: (out: ColumnArray) => void): tf.Tensor {
  const backend = tf.backend();
  if (isHeapBackend(backend)) {
    const info = backend.makeOutput(shape, dtype);
    try {
      // a view of the heap as it is now: fill must not allocate on this backend (it only copies JS arrays)
      fill(backend.typedArrayFromHeap(info));
    } catch (e) {
      backend.disposeData(info.dataId);
      throw e;
    }
    return tf.engine().makeTensorFromTensorInfo(info, backend);
  }
  const Ctor: new (b: ArrayBuffer, o: number, n: number) => ColumnArray = ARRAY_TYPES[dtype];
  const out = allocUninitialized(Ctor, ARRAY_TYPES[dtype].BYTES_PER_ELEMENT, tf.util.sizeFromShape(shape));
  fill(out);
  return tf.tensor(out, shape, dtype);
}
