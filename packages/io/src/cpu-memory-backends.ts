/** Backends whose tensors live in CPU memory (wasm's and native's in a wasm heap), so reading one is a copy. */
const CPU_MEMORY_BACKENDS = new Set(['cpu', 'wasm', 'native', 'tensorflow']);

/**
 * Whether the tfjs backend named `backendName` keeps tensors in CPU memory, so `dataSync()` costs a copy rather
 * than a device readback (the data pipeline and the Estimator pick their cheap paths by it; one list for both).
 * @example
 *   import * as tf from '@tensorflow/tfjs-core';
 *   const cheapReads = isCpuMemoryBackend(tf.getBackend());
 */
export function isCpuMemoryBackend(backendName: string): boolean {
  return CPU_MEMORY_BACKENDS.has(backendName);
}
