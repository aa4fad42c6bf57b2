// The fused Adam update (@estimatorjs/io's APPLY_ADAM_KERNEL) for tfjs-backend-cpu and tfjs-backend-wasm (the
// native backend runs a copy of the wasm one on its own wasm memory). Owns: the kernels' argument checks and the
// JavaScript loop (cpu, and wasm where our SIMD module cannot load). The SIMD loop is wasm/training-kernels.c's
// apply_adam.
import { APPLY_ADAM_KERNEL, type ApplyAdamAttrs } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../backend-error.js';
import type { KernelBackendLike } from './wasm-kernel-call.js';
import { heapOffset, makeOutput, simdKernels } from './wasm-simd-kernels.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: KernelBackendLike; attrs: tf.NamedAttrMap };
type Floats = Float32Array;

/** The float32 constants of one update, rounded as the composite ops' `tf.scalar`s are. */
interface AdamConstants {
  readonly lrT: number;
  readonly b1: number;
  readonly c1: number;
  readonly b2: number;
  readonly c2: number;
  readonly eps: number;
}

const f = Math.fround;

function constants(attrs: tf.NamedAttrMap): AdamConstants {
  const { lrT, beta1, beta2, epsilon } = attrs as unknown as ApplyAdamAttrs;
  // 1 − β is taken in float64, then rounded: what the composite path's `tf.scalar(1 - beta1)` holds.
  return { lrT: f(lrT), b1: f(beta1), c1: f(1 - beta1), b2: f(beta2), c2: f(1 - beta2), eps: f(epsilon) };
}

/** The four inputs, checked: float32, one shape. */
function adamInputs(args: KernelArgs): [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo] {
  const { variable, m, v, grad } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const all = [variable, m, v, grad];
  const shape = variable?.shape ?? [];
  if (all.some((t) => t == null || t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, shape))) {
    const got = ['variable', 'm', 'v', 'grad'].map(
      (n, i) => `${n}=${all[i] ? `${all[i]?.dtype}[${all[i]?.shape}]` : 'missing'}`,
    );
    throw new BackendError(
      'INVALID_KERNEL_INPUT',
      `${APPLY_ADAM_KERNEL}: expected float32 variable, m, v and grad of one shape; received ${got.join(', ')}.`,
    );
  }
  return all as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
}

/**
 * The update in JavaScript. Every operation is a float64 operation on float32 operands rounded back to float32
 * (`Math.fround`), which is exactly the float32 operation for + − × ÷ √ (float64 holds more than twice float32's
 * precision, so the double rounding never differs), in the composite path's order.
 */
function adamLoop(x: Floats, m: Floats, v: Floats, g: Floats, xo: Floats, mo: Floats, vo: Floats, k: AdamConstants) {
  const { lrT, b1, c1, b2, c2, eps } = k;
  for (let i = 0; i < x.length; i++) {
    const gi = g[i] as number;
    const mi = f(f(b1 * (m[i] as number)) + f(c1 * gi));
    const vi = f(f(b2 * (v[i] as number)) + f(c2 * f(gi * gi)));
    mo[i] = mi;
    vo[i] = vi;
    xo[i] = f((x[i] as number) - f(lrT * f(mi / f(f(Math.sqrt(vi)) + eps))));
  }
}

/** The parts of tfjs-backend-cpu 4.22.0's MathBackendCPU this kernel uses. */
interface CpuBackend {
  data: { get(id: tf.DataId): { values: tf.backend_util.BackendValues } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** {@link APPLY_ADAM_KERNEL} for tfjs-backend-cpu: `[variable, m, v]` after one Adam step. */
export function cpuApplyAdam(args: KernelArgs): tf.TensorInfo[] {
  const inputs = adamInputs(args);
  const cpu = args.backend as unknown as CpuBackend;
  const [x, m, v, g] = inputs.map((t) => cpu.data.get(t.dataId).values as Float32Array) as [
    Floats,
    Floats,
    Floats,
    Floats,
  ];
  const out = [new Float32Array(x.length), new Float32Array(x.length), new Float32Array(x.length)] as const;
  adamLoop(x, m, v, g, out[0], out[1], out[2], constants(args.attrs));
  const shape = inputs[0].shape.slice();
  return out.map((values) => cpu.makeTensorInfo(shape, 'float32', values));
}

/** The BackendWasm method the fallback loop uses (tfjs-backend-wasm 4.22.0). */
interface WasmHeapBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * {@link APPLY_ADAM_KERNEL} for tfjs-backend-wasm (and the native backend's copy): one pass of our wasm-SIMD
 * `apply_adam` over the backend's heap, or the JavaScript loop on heap views where that module cannot load.
 */
export function wasmApplyAdam(args: KernelArgs): tf.TensorInfo[] {
  const inputs = adamInputs(args);
  const k = constants(args.attrs);
  const shape = inputs[0].shape.slice();
  const outs = [makeOutput(args.backend, shape), makeOutput(args.backend, shape), makeOutput(args.backend, shape)];
  const n = tf.util.sizeFromShape(shape);
  if (n === 0) return outs;
  const simd = simdKernels(args.backend);
  if (simd !== null) {
    const [x, m, v, g] = inputs.map((t) => heapOffset(args.backend, t)) as [number, number, number, number];
    const [xo, mo, vo] = outs.map((t) => heapOffset(args.backend, t)) as [number, number, number];
    simd.apply_adam(x, m, v, g, xo, mo, vo, n, k.lrT, k.b1, k.c1, k.b2, k.c2, k.eps);
    return outs;
  }
  // Views after every allocation: growing the memory detaches earlier ones.
  const heap = args.backend as unknown as WasmHeapBackend;
  const [x, m, v, g] = inputs.map((t) => heap.typedArrayFromHeap(t)) as [Floats, Floats, Floats, Floats];
  const [xo, mo, vo] = outs.map((t) => heap.typedArrayFromHeap(t)) as [Floats, Floats, Floats];
  adamLoop(x, m, v, g, xo, mo, vo, k);
  return outs;
}
