import type * as tf from '@tensorflow/tfjs-core';
import type { EmscriptenModule } from './wasm-module.js';

/** The parts of tfjs-backend-wasm 4.22.0's BackendWasm the native kernels use. */
export interface NativeHostBackend {
  readonly wasm: EmscriptenModule;
  readonly dataIdMap: { get(id: tf.DataId): { memoryOffset: number | null } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The byte offset of a tensor's data in the backend's wasm memory. */
export function offsetOf(backend: NativeHostBackend, info: tf.TensorInfo): number {
  const offset = backend.dataIdMap.get(info.dataId)?.memoryOffset;
  if (offset == null) throw new Error('@estimatorjs/native: the tensor is not on this backend.');
  return offset;
}

/** The wasm memory as it is now: read after every allocation, because growth replaces the ArrayBuffer. */
export function memoryOf(backend: NativeHostBackend): ArrayBuffer {
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

/** True when every tensor is float32 and none is empty (the addon's kernels handle exactly these). */
export function allFloat(...infos: tf.TensorInfo[]): boolean {
  return infos.every((i) => i.dtype === 'float32' && i.shape.every((d) => d > 0));
}

/** Runs the wasm kernel for a call the addon is not given; throws when there is none (a kernel wasm lacks). */
export function runFallback(fallback: tf.KernelFunc | undefined, args: tf.NamedAttrMap, name: string): tf.TensorInfo {
  if (fallback) return fallback(args as never) as tf.TensorInfo;
  throw new Error(
    `@estimatorjs/native: this ${name} (a layout, shape or dtype the addon is not given) has no fallback kernel.`,
  );
}
