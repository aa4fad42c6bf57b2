/** Stacks materialized elements leaf by leaf along a new dim 0 (the slow path of `batch`). */

import { isCpuMemoryBackend } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { invalidArgument } from '../errors.js';
import { LazyElement, materialize, SliceRow, SliceRows } from './lazy.js';
import { describeStructure, disposeElement, leaves, unflatten } from './structure.js';
import { fillNewTensor } from './writable-tensor.js';

/** The dtypes {@link fillNewTensor} makes. */
const FILLABLE = new Set(['float32', 'int32', 'bool']);

/** Combines `elements` (which this call consumes) into one batch element. */
export function combineBatch(api: string, elements: unknown[]): unknown {
  const first = elements[0];
  if (first instanceof SliceRow) {
    const source = first.source;
    if (elements.every((e) => e instanceof SliceRow && e.source === source)) {
      return new SliceRows(
        source,
        elements.map((e) => (e as SliceRow).row),
      );
    }
  }
  const mats = elements.map((e) => (e instanceof LazyElement ? materialize(e) : e));
  try {
    return stackElements(api, mats);
  } finally {
    for (const m of mats) disposeElement(m);
  }
}

/** Stacks the leaves of `elements` (not disposed here). */
export function stackElements(api: string, elements: readonly unknown[]): unknown {
  const template = elements[0];
  const flat0 = leaves(template);
  const cols: unknown[][] = flat0.map(() => []);
  const want = describeStructure(template);
  elements.forEach((e, i) => {
    const flat = leaves(e);
    if (flat.length !== flat0.length) {
      throw invalidArgument(
        `${api}: element ${i} has structure ${describeStructure(e)} but element 0 has ${want}; all elements of a batch must have the same structure.`,
      );
    }
    flat.forEach((l, j) => {
      cols[j]!.push(l);
    });
  });
  const out = cols.map((col, j) => stackLeaf(api, col, j));
  return unflatten(template, out);
}

function stackLeaf(api: string, col: unknown[], j: number): tf.Tensor {
  const f = col[0];
  if (f instanceof tf.Tensor) {
    const shape = f.shape.join(',');
    col.forEach((t, i) => {
      if (!(t instanceof tf.Tensor)) throw invalidArgument(`${api}: component ${j} of element ${i} is not a tensor.`);
      if (t.shape.join(',') !== shape) {
        throw invalidArgument(
          `${api}: cannot batch tensors of different shapes: element 0 component ${j} has shape [${shape}], element ${i} has [${t.shape.join(',')}]. Use paddedBatch() for variable shapes.`,
        );
      }
    });
    const ts = col as tf.Tensor[];
    const dtype = f.dtype;
    if (isCpuMemoryBackend(tf.getBackend()) && FILLABLE.has(dtype) && ts.every((t) => t.dtype === dtype)) {
      // on CPU-memory backends reading values is cheap: one copy into the batch instead of stack's kernels
      const size = f.size;
      return fillNewTensor([ts.length, ...f.shape], dtype as 'float32' | 'int32' | 'bool', (out) => {
        for (let i = 0; i < ts.length; i++) out.set(ts[i]!.dataSync() as tf.TypedArray, i * size);
      });
    }
    return tf.stack(ts);
  }
  if (typeof f === 'number') return tf.tensor1d(col as number[], 'float32');
  if (typeof f === 'boolean')
    return tf.tensor1d(
      col.map((b) => (b ? 1 : 0)),
      'bool',
    );
  if (typeof f === 'string') return tf.tensor1d(col as string[], 'string');
  throw invalidArgument(
    `${api}: cannot batch a component of type ${typeof f}; expected tensors, numbers, booleans or strings.`,
  );
}
