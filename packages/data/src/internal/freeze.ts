/**
 * Freezing elements: tensors become plain snapshots (values, shape, dtype) that cost no engine memory
 * and can be turned back into fresh tensors any number of times. Used by `cache()`, `window()`, `fromTensors()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { LazyElement } from './lazy.js';
import { isContainer, mapStructure } from './structure.js';

/** A tensor's values outside the engine. */
export class FrozenTensor {
  constructor(
    readonly values: tf.TypedArray | Uint8Array[],
    readonly shape: readonly number[],
    readonly dtype: tf.DataType,
  ) {}
  thaw(): tf.Tensor {
    const v = this.values;
    return tf.tensor(ArrayBuffer.isView(v) ? v.slice() : v, this.shape as number[], this.dtype);
  }
}

/** Snapshots `x` (reading tensor values once, synchronously); does not dispose anything. */
export function freeze(x: unknown): unknown {
  if (x instanceof LazyElement) return x;
  const one = (l: unknown) =>
    l instanceof tf.Tensor ? new FrozenTensor(l.dataSync() as tf.TypedArray, l.shape, l.dtype) : l;
  return isContainer(x) ? mapStructure(x, one) : one(x);
}

/** A fresh element (new tensors, owned by the caller) from a frozen snapshot. */
export function thaw(x: unknown): unknown {
  if (x instanceof LazyElement) return x;
  const one = (l: unknown) => (l instanceof FrozenTensor ? l.thaw() : l);
  return isContainer(x) ? mapStructure(x, one) : one(x);
}
