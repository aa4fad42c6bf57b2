import type { BackendName } from './backend-name.js';

/**
 * What a backend can do, as data (test suites skip on these, never on names).
 *
 * @example
 * ```ts
 * import { getProvider } from '@estimatorjs/backends';
 * if (getProvider('webgl').supports.gpu) console.log('runs on the GPU');
 * ```
 */
export interface BackendSupports {
  /** Computes on a GPU. */
  readonly gpu: boolean;
  /** Can run in Node. */
  readonly node: boolean;
  /** Can run in a browser. */
  readonly browser: boolean;
  /** Has every kernel the reference CNN and MLP need for training (with this package's extra kernels). */
  readonly training: boolean;
  /** Can use more than one CPU thread (`threads` option). */
  readonly threads: boolean;
  /** Stores float16 textures/buffers. */
  readonly float16: boolean;
}

/** Result of {@link BackendProvider.isAvailable}: `reason` says why not (one line, with the fix). */
export interface BackendAvailability {
  readonly available: boolean;
  readonly reason?: string;
}

/**
 * Options for `useBackend()` and {@link BackendProvider.create}. Options a backend does not use are ignored.
 *
 * @example
 * ```ts
 * import { useBackend } from '@estimatorjs/backends';
 * await useBackend('wasm', { threads: 4, wasmPaths: '/static/tfjs-wasm/' });
 * ```
 */
export interface BackendOptions {
  /**
   * wasm: number of threads, or `'auto'` (the default): every core this process may use — Node:
   * `os.availableParallelism()`; browser: `navigator.hardwareConcurrency` in a cross-origin-isolated page
   * (COOP/COEP headers), else 1. Node: above 1 runs tfjs's threaded-SIMD binary under `worker_threads` (see
   * docs/backends.md, "Threads"). Results agree whatever the count (within float tolerance); on a machine busy
   * with other jobs, fewer threads than cores can be faster: pass a number.
   */
  readonly threads?: number | 'auto';
  /**
   * wasm: where the `.wasm` files are served from: a prefix (URL or folder ending in `/`) or a map from file name
   * (`tfjs-backend-wasm-simd.wasm`, …) to URL. Defaults to the installed package's files.
   */
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /** wasm: register this package's training kernels and fast paths (default true). */
  readonly trainingKernels?: boolean;
  /** tensorflow: use `@tensorflow/tfjs-node-gpu` instead of `@tensorflow/tfjs-node`. */
  readonly gpu?: boolean;
}

/**
 * A backend, as an object: the application picks one at startup. `create()` loads the tfjs backend package and
 * prepares it (kernels, paths, threads); `useBackend()` then activates it.
 *
 * @example
 * ```ts
 * import { getProvider } from '@estimatorjs/backends';
 * const wasm = getProvider('wasm');
 * const { available, reason } = await wasm.isAvailable();
 * if (!available) console.warn(reason);
 * ```
 */
export interface BackendProvider {
  /** The name passed to `tf.setBackend()`. */
  readonly name: BackendName;
  /** The npm package that implements it (the one to install). */
  readonly packageName: string;
  /** Capabilities, as data. */
  readonly supports: BackendSupports;
  /** Whether the package is installed and can run here; never throws. */
  isAvailable(): Promise<BackendAvailability>;
  /** Loads the package and prepares the backend; throws a {@link BackendError} when it cannot. */
  create(options?: BackendOptions): Promise<void>;
}

/**
 * What `useBackend()` reports about the backend it activated.
 *
 * @example
 * ```ts
 * import { useBackend } from '@estimatorjs/backends';
 * const info = await useBackend('wasm');
 * console.log(`${info.name}: simd=${info.simd} threads=${info.threads}`);
 * ```
 */
export interface BackendInfo {
  readonly name: BackendName;
  readonly packageName: string;
  readonly supports: BackendSupports;
  /** wasm: whether the SIMD binary is in use; false elsewhere. */
  readonly simd: boolean;
  /** CPU threads the backend computes with (1 for single-threaded backends, 0 when not applicable). */
  readonly threads: number;
}
