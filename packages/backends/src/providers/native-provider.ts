import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../backend-error.js';
import type { BackendOptions } from '../backend-provider.js';
import { defineProvider, type InternalProvider } from '../internal/define-provider.js';
import { loadPackage, probe } from '../internal/load-package.js';
import { registerWasmTrainingKernels } from '../kernels/register-wasm-training-kernels.js';

const packageName = '@estimatorjs/native';
const wasmPackage = '@tensorflow/tfjs-backend-wasm';
const buildNote = ' (its build needs oneDNN: `apt-get install libdnnl-dev`)';

/** The part of @estimatorjs/native this provider calls (imported by a computed name: Node only, never bundled). */
interface NativePackage {
  registerNativeBackend(options: { threads?: number | 'auto' }): Promise<{ threads: number }>;
  nativeBackendProblem(): string | null;
}

function load(): Promise<NativePackage> {
  const name = packageName;
  return loadPackage('native', name, () => import(/* @vite-ignore */ /* webpackIgnore: true */ name), buildNote);
}

function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

let threads = 1;

/**
 * The native CPU backend for Node (`@estimatorjs/native`, optional): tfjs-backend-wasm's kernels, with this
 * package's training kernels, on a wasm instance of its own, whose matmuls and 2-D convolutions and their gradients
 * run in oneDNN (Debian's `libdnnl`) on native threads, in place in wasm memory. `threads` (default `'auto'`: every
 * core this process may use) sets oneDNN's thread count. One process runs either `'wasm'` or `'native'`, not both:
 * tfjs-backend-wasm binds its kernels to one wasm instance at a time.
 *
 * @example
 * ```ts
 * import { nativeProvider } from '@estimatorjs/backends';
 * const { available, reason } = await nativeProvider.isAvailable();
 * if (!available) console.warn(reason);
 * ```
 */
export const nativeProvider: InternalProvider = defineProvider({
  name: 'native',
  packageName,
  supports: { gpu: false, node: true, browser: false, training: true, threads: true, float16: false },
  async check(options) {
    if (!isNodeRuntime()) {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        "useBackend('native'): @estimatorjs/native runs only in Node; in a browser use 'wasm', 'webgpu' or 'webgl'.",
      );
    }
    const t = options.threads;
    if (t !== undefined && t !== 'auto' && (!Number.isInteger(t) || t < 1)) {
      return new BackendError(
        'INVALID_OPTIONS',
        `useBackend('native'): threads must be 'auto' or a whole number >= 1. Received threads=${typeof t === 'string' ? `'${t}'` : String(t)}.`,
      );
    }
    if ((tf.engine().registry as Record<string, unknown>).wasm != null) {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        "useBackend('native'): the 'wasm' backend already started in this process, and tfjs-backend-wasm's kernels serve one wasm instance at a time; pick 'native' before any tensor is made, and use only one of the two per process.",
      );
    }
    const missing = await probe(load);
    if (missing) return missing;
    const problem = (await load()).nativeBackendProblem();
    return problem === null
      ? undefined
      : new BackendError(
          'BACKEND_UNAVAILABLE',
          `useBackend('native'): ${problem.replace(/^@estimatorjs\/native: /, '')}`,
        );
  },
  async prepare(options: BackendOptions) {
    await loadPackage('native', wasmPackage, () => import('@tensorflow/tfjs-backend-wasm'));
    if (options.trainingKernels !== false) registerWasmTrainingKernels();
    const info = await (await load()).registerNativeBackend({ threads: options.threads ?? 'auto' });
    threads = info.threads;
  },
  async runtimeInfo() {
    return { simd: true, threads };
  },
});
