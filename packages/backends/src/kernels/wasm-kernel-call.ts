import * as tf from '@tensorflow/tfjs-core';

/** The slice of a tfjs backend our composite kernels use. */
export type KernelBackendLike = tf.KernelBackend;

/** A wasm kernel function as our wrappers take and return it. */
export type KernelFuncLike = (args: {
  inputs: tf.NamedTensorInfoMap;
  backend: KernelBackendLike;
  attrs: tf.NamedAttrMap;
}) => tf.TensorInfo | tf.TensorInfo[];

/**
 * Runs the wasm backend's own kernel `kernelName` at kernel level (no engine, no tape) and returns its output.
 * The caller owns the output and frees it with {@link release}.
 */
export function callKernel(
  backend: KernelBackendLike,
  kernelName: string,
  inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[],
  attrs: Record<string, unknown> = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel == null) throw new Error(`callKernel(): kernel '${kernelName}' is not registered for backend 'wasm'.`);
  const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, attrs: attrs as tf.NamedAttrMap, backend });
  return Array.isArray(out) ? (out[0] as tf.TensorInfo) : (out as tf.TensorInfo);
}

/** Frees intermediate outputs made by {@link callKernel}. */
export function release(backend: KernelBackendLike, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** Reshape without copying (the wasm Reshape kernel shares the buffer and bumps its refcount). */
export function reshapeInfo(backend: KernelBackendLike, x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
  return callKernel(backend, 'Reshape', { x }, { shape });
}

/** A materialised transpose of `x` by `perm`. */
export function transposeInfo(backend: KernelBackendLike, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  return callKernel(backend, 'Transpose', { x }, { perm });
}

/** Permutation that swaps the last two axes of a rank-`rank` tensor. */
export function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}
