import * as tf from '@tensorflow/tfjs-core';
import { defaultWasmPaths } from '#wasm-paths';
import { availableThreads, installThreadedWasm } from '#wasm-threads';
import { BackendError } from '../backend-error.js';
import type { BackendOptions } from '../backend-provider.js';
import { defineProvider, type InternalProvider } from '../internal/define-provider.js';
import { loadPackage, probe } from '../internal/load-package.js';
import { registerWasmTrainingKernels } from '../kernels/register-wasm-training-kernels.js';

const packageName = '@tensorflow/tfjs-backend-wasm';
const load = () => loadPackage('wasm', packageName, () => import('@tensorflow/tfjs-backend-wasm'));

let applied: { paths: string; threads: number } | undefined;

function validateThreads(threads: unknown): void {
  if (threads === undefined || threads === 'auto') return;
  if (!Number.isInteger(threads) || (threads as number) < 1) {
    throw new BackendError(
      'INVALID_OPTIONS',
      `useBackend('wasm'): threads must be 'auto' or a whole number >= 1. Received threads=${typeof threads === 'string' ? `'${threads}'` : String(threads)}.`,
    );
  }
}

/** The thread count an option asks for: `'auto'` (also the default) is every core this process may use. */
function resolveThreads(threads: number | 'auto' | undefined): number {
  return threads === undefined || threads === 'auto' ? availableThreads() : threads;
}

/**
 * The WebAssembly backend (`@tensorflow/tfjs-backend-wasm`, XNNPACK, SIMD), made a training backend: `create()`
 * finds the `.wasm` binaries of the installed package in Node (no `setWasmPaths` call needed), sets the thread
 * count (default `'auto'`: every core this process may use; in Node, more than one thread runs tfjs's threaded
 * binary under `worker_threads`, which tfjs itself cannot),
 * and registers this package's training kernels (`Conv2DBackpropFilter`, …) and fast transposed matmuls.
 *
 * @example
 * ```ts
 * import { wasmProvider } from '@estimatorjs/backends';
 * await wasmProvider.create({ threads: 1 });
 * ```
 */
export const wasmProvider: InternalProvider = defineProvider({
  name: 'wasm',
  packageName,
  supports: { gpu: false, node: true, browser: true, training: true, threads: true, float16: false },
  async check(options) {
    validateThreads(options.threads);
    if (typeof WebAssembly !== 'object') {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        "useBackend('wasm'): this JavaScript engine has no WebAssembly; use 'cpu'.",
      );
    }
    if ((tf.engine().registry as Record<string, unknown>).native != null) {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        "useBackend('wasm'): the 'native' backend already started in this process, and tfjs-backend-wasm's kernels serve one wasm instance at a time; use only one of the two per process.",
      );
    }
    return probe(load);
  },
  async prepare(options: BackendOptions) {
    const wasm = await load();
    const paths = options.wasmPaths ?? defaultWasmPaths();
    const wanted = { paths: JSON.stringify(paths ?? null), threads: resolveThreads(options.threads) };
    const initialised = (tf.engine().registry as Record<string, unknown>).wasm != null;
    if (!initialised) {
      if (paths !== undefined) wasm.setWasmPaths(paths as Parameters<typeof wasm.setWasmPaths>[0]);
      wasm.setThreadsCount(wanted.threads);
      // Node: tfjs never loads its threaded binary there; run it ourselves when more than one thread is asked for.
      if (wanted.threads > 1) installThreadedWasm({ tf, wasm: wasm as never }, wanted.threads);
      applied = wanted;
    } else if (
      (options.wasmPaths !== undefined && wanted.paths !== applied?.paths) ||
      (options.threads !== undefined && wanted.threads !== applied?.threads)
    ) {
      throw new BackendError(
        'INVALID_OPTIONS',
        "useBackend('wasm'): wasmPaths and threads apply only before the wasm backend first initialises, and it already has; pass them on the first useBackend('wasm') call.",
      );
    }
    if (options.trainingKernels !== false) registerWasmTrainingKernels();
  },
  async runtimeInfo() {
    const wasm = await load();
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    let threads = 1;
    try {
      threads = wasm.getThreadsCount();
    } catch {
      threads = 1;
    }
    return { simd, threads };
  },
});
