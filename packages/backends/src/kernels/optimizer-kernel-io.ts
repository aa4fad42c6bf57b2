// What the fused optimizer kernels (apply-adam.ts, apply-momentum.ts) share: the argument check, and making their
// outputs and reading their inputs on tfjs-backend-cpu and tfjs-backend-wasm. Each kernel owns its own arithmetic.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../backend-error.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';
import { heapOffset, makeOutput } from './wasm-simd-kernels.js';

/** A kernel function's arguments as tfjs passes them. */
export type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: KernelBackendLike; attrs: tf.NamedAttrMap };

/** The inputs `names` in that order, checked: all present, float32, of one shape; else one line naming each. */
export function sameShapeFloats(kernelName: string, args: KernelArgs, names: readonly string[]): tf.TensorInfo[] {
  const all = names.map((n) => (args.inputs as Record<string, tf.TensorInfo | undefined>)[n]);
  const shape = all[0]?.shape ?? [];
  if (all.some((t) => t == null || t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, shape))) {
    const got = names.map((n, i) => `${n}=${all[i] ? `${all[i]?.dtype}[${all[i]?.shape}]` : 'missing'}`);
    const list = `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
    throw new BackendError(
      'INVALID_KERNEL_INPUT',
      `${kernelName}: expected float32 ${list} of one shape; received ${got.join(', ')}.`,
    );
  }
  return all as tf.TensorInfo[];
}

/** The parts of tfjs-backend-cpu 4.22.0's MathBackendCPU the kernels use. */
interface CpuBackend {
  data: { get(id: tf.DataId): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** On tfjs-backend-cpu: the inputs' values, `outputs` fresh arrays, and a way to hand those back as tensors. */
export function cpuArrays(
  backend: KernelBackendLike,
  inputs: readonly tf.TensorInfo[],
  outputs: number,
): { ins: Float32Array[]; outs: Float32Array[]; done: () => tf.TensorInfo[] } {
  const cpu = backend as unknown as CpuBackend;
  const ins = inputs.map((t) => cpu.data.get(t.dataId).values as Float32Array);
  const n = ins[0]?.length ?? 0;
  const outs = Array.from({ length: outputs }, () => new Float32Array(n));
  const shape = inputs[0]?.shape.slice() ?? [];
  return { ins, outs, done: () => outs.map((values) => cpu.makeTensorInfo(shape, 'float32', values)) };
}

/** The BackendWasm method the fallback loops use (tfjs-backend-wasm 4.22.0). */
interface WasmHeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/** On wasm: `outputs` new float32 tensors of the inputs' shape, and their element count. */
export function wasmOutputs(backend: KernelBackendLike, inputs: readonly tf.TensorInfo[], outputs: number) {
  const shape = inputs[0]?.shape.slice() ?? [];
  const outs = Array.from({ length: outputs }, () => makeOutput(backend, shape.slice()));
  return { outs, n: tf.util.sizeFromShape(shape) };
}

/** Byte offsets of `infos` in the wasm backend's memory (stable across memory growth). */
export function offsets(backend: KernelBackendLike, infos: readonly tf.TensorInfo[]): number[] {
  return infos.map((t) => heapOffset(backend, t));
}

/** Views of `infos` on the wasm heap; take them after the last allocation (growth detaches earlier views). */
export function heapArrays(backend: KernelBackendLike, infos: readonly tf.TensorInfo[]): Float32Array[] {
  return infos.map((t) => (backend as unknown as WasmHeapBackend).typedArrayFromHeap(t));
}
