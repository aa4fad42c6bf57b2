import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from '../backend-error.js';
import type { BackendOptions } from '../backend-provider.js';
import { defineProvider, type InternalProvider } from '../internal/define-provider.js';
import { loadPackage, probe } from '../internal/load-package.js';

const cpuPackage = '@tensorflow/tfjs-node';
const gpuPackage = '@tensorflow/tfjs-node-gpu';
const downloadNote =
  "; its install script downloads libtensorflow from storage.googleapis.com at install time, which fails on machines without internet (use 'wasm' there)";

function packageFor(options: BackendOptions): string {
  return options.gpu ? gpuPackage : cpuPackage;
}

/** Imports tfjs-node(-gpu) by a computed name: it is Node-only and must never be pulled into a browser bundle. */
function load(options: BackendOptions): Promise<unknown> {
  const packageName = packageFor(options);
  return loadPackage(
    'tensorflow',
    packageName,
    () => import(/* @vite-ignore */ /* webpackIgnore: true */ packageName),
    downloadNote,
  );
}

function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * Native TensorFlow through `@tensorflow/tfjs-node` (CPU, libtensorflow) or `@tensorflow/tfjs-node-gpu`
 * (`{ gpu: true }`, CUDA). Node only. Its install script downloads libtensorflow, so it cannot be installed on
 * machines without internet; `isAvailable()` says so.
 *
 * @example
 * ```ts
 * import { tensorflowProvider } from '@estimatorjs/backends';
 * const { available, reason } = await tensorflowProvider.isAvailable();
 * if (!available) console.warn(reason);
 * ```
 */
export const tensorflowProvider: InternalProvider = defineProvider({
  name: 'tensorflow',
  packageName: cpuPackage,
  supports: { gpu: false, node: true, browser: false, training: true, threads: true, float16: false },
  async check(options) {
    if (!isNodeRuntime()) {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        `useBackend('tensorflow'): ${packageFor(options)} runs only in Node; in a browser use 'webgpu', 'webgl' or 'wasm'.`,
      );
    }
    const error = await probe(() => load(options));
    if (error) return error;
    if (tf.findBackendFactory('tensorflow') == null) {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        `useBackend('tensorflow'): ${packageFor(options)} registered its backend with another copy of @tensorflow/tfjs-core; install the same version of @tensorflow/tfjs-core as ${packageFor(options)} uses so there is one engine.`,
      );
    }
    return undefined;
  },
  async prepare(options) {
    await load(options);
  },
});
