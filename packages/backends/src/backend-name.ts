/**
 * The backends `useBackend()` knows: `tensorflow` is native TensorFlow through
 * `@tensorflow/tfjs-node` (or `@tensorflow/tfjs-node-gpu`); `native` is tfjs-backend-wasm with its matmuls and
 * convolutions on oneDNN, through the optional `@estimatorjs/native` (Node only).
 *
 * @example
 * ```ts
 * import type { BackendName } from '@estimatorjs/backends';
 * const name: BackendName = 'wasm';
 * ```
 */
export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'webgpu' | 'tensorflow' | 'native';

/**
 * Every valid {@link BackendName}, in the order `listBackends()` reports them.
 *
 * @example
 * ```ts
 * import { BACKEND_NAMES } from '@estimatorjs/backends';
 * console.log(BACKEND_NAMES.join(', '));
 * ```
 */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze([
  'cpu',
  'wasm',
  'webgl',
  'webgpu',
  'tensorflow',
  'native',
]);

/**
 * True when `name` is a valid {@link BackendName}.
 *
 * @example
 * ```ts
 * import { isBackendName } from '@estimatorjs/backends';
 * if (!isBackendName(process.argv[2] ?? '')) process.exit(2);
 * ```
 */
export function isBackendName(name: string): name is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(name);
}
