// What the fused optimizer kernels (apply-adam.ts, apply-momentum.ts, apply-rmsprop.ts) share: the argument check,
// and the cpu and wasm kernel functions around each one's arithmetic (its constants, its JavaScript loop and its
// call of our wasm-SIMD module), which the kernels own.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../backend-error.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';
import { heapOffset, makeOutput, type SimdKernels, simdKernels } from './wasm-simd-kernels.js';

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

/** One fused update, as {@link updateKernels} needs it. */
export interface UpdateSpec<K> {
  readonly kernelName: string;
  /** Input names in order (the first gives the shape) and how many outputs, for these attributes. */
  layout(attrs: tf.NamedAttrMap): { readonly names: readonly string[]; readonly outputs: number };
  /** The float32 constants of one call, rounded as the composite ops' scalars are. */
  constants(attrs: tf.NamedAttrMap): K;
  /** The update in JavaScript over the inputs' values into the outputs' (cpu, and wasm without our module). */
  loop(ins: Float32Array[], outs: Float32Array[], k: K): void;
  /** The update by our wasm-SIMD module: the inputs' and the outputs' byte offsets, the element count. */
  simd(kernels: SimdKernels, ins: number[], outs: number[], n: number, k: K): void;
}

/** The cpu and wasm kernel functions of a fused update: new outputs, inputs unchanged. */
export function updateKernels<K>(spec: UpdateSpec<K>): {
  cpu: (args: KernelArgs) => tf.TensorInfo[];
  wasm: (args: KernelArgs) => tf.TensorInfo[];
} {
  const checked = (args: KernelArgs) => {
    const { names, outputs } = spec.layout(args.attrs);
    return { inputs: sameShapeFloats(spec.kernelName, args, names), outputs };
  };
  return {
    cpu(args) {
      const { inputs, outputs } = checked(args);
      const { ins, outs, done } = cpuArrays(args.backend, inputs, outputs);
      spec.loop(ins, outs, spec.constants(args.attrs));
      return done();
    },
    wasm(args) {
      const { inputs, outputs } = checked(args);
      const k = spec.constants(args.attrs);
      const { outs, n } = wasmOutputs(args.backend, inputs, outputs);
      if (n === 0) return outs;
      const simd = simdKernels(args.backend);
      if (simd === null) spec.loop(heapArrays(args.backend, inputs), heapArrays(args.backend, outs), k);
      else spec.simd(simd, offsets(args.backend, inputs), offsets(args.backend, outs), n, k);
      return outs;
    },
  };
}
