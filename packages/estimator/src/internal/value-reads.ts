import { isCpuMemoryBackend } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether a model_fn may read values on every batch to check them (ModelFnContext.checkValues): true on backends
 * that keep tensors in CPU memory; on GPU backends a read would stall the pipeline, so checks are deferred.
 */
export function valueReadsAreCheap(): boolean {
  return isCpuMemoryBackend(tf.getBackend());
}
