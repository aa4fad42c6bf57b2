import type * as tf from '@tensorflow/tfjs-core';
import { PLAIN_MEMORY_WASM, SHARED_MEMORY_WASM } from './internal/training-kernels-wasm.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';

/**
 * A convolution of wasm/training-kernels.c: `a` and `b` are the two inputs (x and the filter, or x and dy), `out`
 * the output; then the shape of the convolution as tfjs's `Conv2DInfo` has it (dilation 1).
 */
type ConvFunction = (
  a: number,
  b: number,
  out: number,
  batch: number,
  inH: number,
  inW: number,
  inC: number,
  outH: number,
  outW: number,
  outC: number,
  filterH: number,
  filterW: number,
  strideH: number,
  strideW: number,
  padTop: number,
  padLeft: number,
) => void;

/** The functions of wasm/training-kernels.c; every pointer is a byte offset in tfjs-backend-wasm's memory. */
export interface SimdKernels {
  max_pool_grad(
    dy: number,
    x: number,
    dx: number,
    batch: number,
    inH: number,
    inW: number,
    ch: number,
    outH: number,
    outW: number,
    strideH: number,
    strideW: number,
    filterH: number,
    filterW: number,
    padTop: number,
    padLeft: number,
  ): void;
  /** (x, dy) → dw, overwritten. */
  conv2d_backprop_filter: ConvFunction;
  /** (x, filter) → y, overwritten. */
  conv2d_few_channels: ConvFunction;
  sum_leading(x: number, out: number, rows: number, cols: number): void;
  /** The fused Adam update of `n` floats: (var, m, v, g) → (var', m', v') in new buffers; then the constants. */
  apply_adam(
    x: number,
    m: number,
    v: number,
    g: number,
    xOut: number,
    mOut: number,
    vOut: number,
    n: number,
    lrT: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    eps: number,
  ): void;
  /** The fused momentum update of `n` floats: (var, accum, g) → (var', accum') in new buffers; then the constants. */
  apply_momentum(
    x: number,
    accum: number,
    g: number,
    xOut: number,
    accumOut: number,
    n: number,
    lr: number,
    mu: number,
    lrMu: number,
    nesterov: number,
  ): void;
  /** The fused RMSProp update of `n` floats into new buffers; `mg`, `mgOut` are read only when `centered` is 1. */
  apply_rmsprop(
    x: number,
    ms: number,
    mom: number,
    g: number,
    mg: number,
    xOut: number,
    msOut: number,
    momOut: number,
    mgOut: number,
    n: number,
    lr: number,
    rho: number,
    c: number,
    mu: number,
    eps: number,
    centered: number,
  ): void;
}

/** The parts of tfjs-backend-wasm 4.22.0's BackendWasm and its emscripten module these kernels use. */
interface WasmBackendInternals {
  wasm: {
    wasmMemory?: WebAssembly.Memory; // threaded build (a shared memory made in JavaScript)
    asm?: { memory?: WebAssembly.Memory }; // single-threaded builds (the module's exported memory)
  };
  dataIdMap: { get(id: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

const instances = new WeakMap<object, SimdKernels | null>();

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Our wasm-SIMD kernels (wasm/training-kernels.c), instantiated once per wasm backend on that backend's own
 * memory, so they read and write tensors where they lie; null where that memory cannot be reached or the module
 * cannot be instantiated (another tfjs-backend-wasm layout, a runtime without SIMD), and the callers fall back to
 * XNNPACK or JavaScript.
 */
export function simdKernels(backend: KernelBackendLike): SimdKernels | null {
  const known = instances.get(backend);
  if (known !== undefined) return known;
  let kernels: SimdKernels | null = null;
  try {
    const module = (backend as unknown as WasmBackendInternals).wasm;
    const memory = module.wasmMemory ?? module.asm?.memory;
    if (memory instanceof WebAssembly.Memory) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = decode(shared ? SHARED_MEMORY_WASM : PLAIN_MEMORY_WASM);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), { env: { memory } });
      kernels = instance.exports as unknown as SimdKernels;
    }
  } catch {
    kernels = null;
  }
  instances.set(backend, kernels);
  return kernels;
}

/** The byte offset of a wasm tensor's data in the backend's memory. */
export function heapOffset(backend: KernelBackendLike, info: tf.TensorInfo): number {
  const data = (backend as unknown as WasmBackendInternals).dataIdMap.get(info.dataId);
  if (data === undefined) throw new Error('heapOffset(): the tensor is not on this wasm backend.');
  return data.memoryOffset;
}

/** Runs one of the convolutions on tensors `a` and `b` into `out`, with the shape and padding of `info`. */
export function runConv(
  backend: KernelBackendLike,
  fn: ConvFunction,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  out: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): void {
  fn(
    heapOffset(backend, a),
    heapOffset(backend, b),
    heapOffset(backend, out),
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  );
}

/** A new float32 wasm output of `shape` (contents undefined: the kernel writes every element). */
export function makeOutput(backend: KernelBackendLike, shape: number[]): tf.TensorInfo {
  return (backend as unknown as WasmBackendInternals).makeOutput(shape, 'float32');
}
