import * as tf from '@tensorflow/tfjs-core';

// Backends whose tensors live in CPU memory: reading a value there is a copy, not a device sync.
const CPU_MEMORY_BACKENDS = new Set(['cpu', 'wasm', 'native', 'tensorflow']);

/**
 * Whether a model_fn may read values on every batch to check them (ModelFnContext.checkValues): true on backends
 * that keep tensors in CPU memory; on GPU backends a read would stall the pipeline, so checks are deferred.
 */
export function valueReadsAreCheap(): boolean {
  return CPU_MEMORY_BACKENDS.has(tf.getBackend());
}
