import type * as tf from '@tensorflow/tfjs-core';
import { heapViews } from './wasm-heap.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';

/**
 * `UnsortedSegmentSum` for the wasm backend (missing in tfjs-backend-wasm 4.22.0; it is the gradient of `gather`,
 * so embeddings could not train): one pass over the rows, summing each row of `x` into its segment, directly on
 * the wasm heap. Ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
export function wasmUnsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackendLike;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const x = args.inputs.x as tf.TensorInfo;
  const segmentIds = args.inputs.segmentIds as tf.TensorInfo;
  const numSegments = args.attrs.numSegments as number;
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const width = rest.reduce((a, b) => a * b, 1);
  const { out, outValues, inValues } = heapViews(args.backend, [x, segmentIds], [numSegments, ...rest], x.dtype);
  const [values, ids] = inValues as [Float32Array | Int32Array, Int32Array];
  for (let r = 0; r < rows; r++) {
    const id = ids[r] as number;
    if (id < 0 || id >= numSegments) continue;
    const src = r * width;
    const dst = id * width;
    for (let k = 0; k < width; k++) outValues[dst + k] = (outValues[dst + k] as number) + (values[src + k] as number);
  }
  return out;
}
