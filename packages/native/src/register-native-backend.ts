import os from 'node:os';
import {
  APPLY_ADAM_KERNEL,
  APPLY_MOMENTUM_KERNEL,
  APPLY_RMSPROP_KERNEL,
  EXACT_FUSED_MATMUL_KERNEL,
} from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { loadAddon, type NativeAddon } from './internal/addon.js';
import { nativeConv2D, nativeConv2DBackpropFilter, nativeConv2DBackpropInput } from './internal/native-conv2d.js';
import { nativeBinary, nativeUnary } from './internal/native-elementwise.js';
import { nativeMatMul } from './internal/native-mat-mul.js';
import { nativeMaxPool, nativeMaxPoolGrad } from './internal/native-max-pool.js';
import { nativeApplyAdam, nativeApplyMomentum, nativeApplyRMSProp } from './internal/native-optimizer-updates.js';
import { nativeSparseXent, SPARSE_XENT_KERNEL } from './internal/native-sparse-xent.js';
import { createWasmModule } from './internal/wasm-module.js';
import { NativeBackendError } from './native-backend-error.js';

/**
 * Options of {@link registerNativeBackend}.
 *
 * @example
 * ```ts
 * import type { NativeBackendOptions } from '@estimatorjs/native';
 * const options: NativeBackendOptions = { threads: 1 };
 * ```
 */
export interface NativeBackendOptions {
  /**
   * Threads oneDNN computes with, or `'auto'` (the default): every core this process may use
   * (`os.availableParallelism()`). Takes effect at once, also after the backend started.
   */
  readonly threads?: number | 'auto';
}

/**
 * What {@link registerNativeBackend} set up.
 *
 * @example
 * ```ts
 * import { registerNativeBackend } from '@estimatorjs/native';
 * const { threads, onednn } = await registerNativeBackend();
 * console.log(`oneDNN ${onednn} on ${threads} threads`);
 * ```
 */
export interface NativeBackendInfo {
  /** The tfjs backend name: `'native'`. */
  readonly name: 'native';
  /** Threads oneDNN computes with. */
  readonly threads: number;
  /** The oneDNN version the addon loaded. */
  readonly onednn: string;
}

/**
 * The kernels oneDNN (or the addon's own loops: the fused optimizer updates, the sparse softmax cross-entropy) runs;
 * every other kernel is tfjs-backend-wasm's (and whatever else is registered for it). SparseSoftmaxCrossEntropyWithLogits
 * is not a tfjs kernel: it exists only here.
 */
const NATIVE_KERNELS: ReadonlyArray<[string, (addon: NativeAddon, fallback?: tf.KernelFunc) => tf.KernelFunc]> = [
  ['BatchMatMul', nativeMatMul],
  ['_FusedMatMul', nativeMatMul],
  // The same oneDNN product with its bias, and tfjs's relu after it: bit-identical to BatchMatMul, Add and Relu here.
  [EXACT_FUSED_MATMUL_KERNEL, nativeMatMul],
  ['Conv2D', nativeConv2D],
  ['FusedConv2D', nativeConv2D],
  ['Conv2DBackpropInput', nativeConv2DBackpropInput],
  ['Conv2DBackpropFilter', nativeConv2DBackpropFilter],
  ['MaxPool', nativeMaxPool],
  ['MaxPoolGrad', nativeMaxPoolGrad],
  ['Add', nativeBinary('Add')],
  ['Multiply', nativeBinary('Multiply')],
  ['Relu', nativeUnary('Relu')],
  ['Step', nativeUnary('Step')],
  [APPLY_ADAM_KERNEL, nativeApplyAdam],
  [APPLY_MOMENTUM_KERNEL, nativeApplyMomentum],
  [APPLY_RMSPROP_KERNEL, nativeApplyRMSProp],
  [SPARSE_XENT_KERNEL, nativeSparseXent],
];

const NAME = 'native';

function resolveThreads(threads: unknown): number {
  if (threads === undefined || threads === 'auto') {
    return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  }
  if (!Number.isInteger(threads) || (threads as number) < 1) {
    throw new NativeBackendError(
      'INVALID_OPTIONS',
      `registerNativeBackend(): threads must be 'auto' or a whole number >= 1. Received threads=${typeof threads === 'string' ? `'${threads}'` : String(threads)}.`,
    );
  }
  return threads as number;
}

async function loadWasm(): Promise<{ BackendWasm: new (module: never) => tf.KernelBackend }> {
  try {
    return (await import('@tensorflow/tfjs-backend-wasm')) as never;
  } catch (error) {
    throw new NativeBackendError(
      'NATIVE_NO_WASM',
      '@estimatorjs/native: @tensorflow/tfjs-backend-wasm (whose memory and kernels the native backend runs on) could not load; install it with `pnpm add @tensorflow/tfjs-backend-wasm`.',
      { cause: error },
    );
  }
}

/**
 * Registers the tfjs backend `'native'`: a tfjs-backend-wasm instance of its own (single-threaded SIMD binary,
 * every kernel registered for `'wasm'` at this moment, this package's training kernels included when
 * `@estimatorjs/backends` registered them first) whose matmuls and 2-D convolutions, with their gradients, run
 * in oneDNN on `threads` native threads, reading and writing the tensors in wasm memory where they lie. Then
 * `tf.setBackend('native')`; `useBackend('native')` from `@estimatorjs/backends` does all of this for you.
 * Call it before the backend first initialises (later calls only change the thread count). Throws a
 * {@link NativeBackendError} naming what to install when the addon or libdnnl cannot load.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { registerNativeBackend } from '@estimatorjs/native';
 * await registerNativeBackend({ threads: 2 });
 * await tf.setBackend('native');
 * ```
 */
export async function registerNativeBackend(options: NativeBackendOptions = {}): Promise<NativeBackendInfo> {
  const threads = resolveThreads(options.threads);
  const addon = loadAddon();
  const wasm = await loadWasm();
  addon.setThreads(threads);
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  if (engine.registry[NAME] == null) {
    if (tf.findBackendFactory(NAME) != null) tf.removeBackend(NAME);
    // Priority 0: never the implicit default backend; it is chosen by name.
    tf.registerBackend(NAME, async () => new wasm.BackendWasm((await createWasmModule()) as never), 0);
    copyKernels(addon);
  }
  return { name: NAME, threads: addon.getThreads(), onednn: addon.version() };
}

/** Registers for 'native' a copy of every 'wasm' kernel, with oneDNN's in place of the heavy ones. */
function copyKernels(addon: NativeAddon): void {
  for (const config of tf.getKernelsForBackend('wasm')) {
    if (tf.getKernel(config.kernelName, NAME) != null) tf.unregisterKernel(config.kernelName, NAME);
    tf.registerKernel({ ...config, backendName: NAME });
  }
  for (const [kernelName, make] of NATIVE_KERNELS) {
    const original = tf.getKernel(kernelName, NAME);
    if (original != null) tf.unregisterKernel(kernelName, NAME);
    const config: tf.KernelConfig = { kernelName, backendName: NAME, kernelFunc: make(addon, original?.kernelFunc) };
    if (original?.setupFunc) config.setupFunc = original.setupFunc;
    if (original?.disposeFunc) config.disposeFunc = original.disposeFunc;
    tf.registerKernel(config);
  }
}

/**
 * Why the native backend cannot load here (one line, naming what to install), or null when it can.
 *
 * @example
 * ```ts
 * import { nativeBackendProblem } from '@estimatorjs/native';
 * const problem = nativeBackendProblem();
 * if (problem !== null) console.warn(problem);
 * ```
 */
export function nativeBackendProblem(): string | null {
  try {
    loadAddon();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
