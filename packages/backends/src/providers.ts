import { BackendError } from './backend-error.js';
import { BACKEND_NAMES, type BackendName, isBackendName } from './backend-name.js';
import type { BackendProvider } from './backend-provider.js';
import type { InternalProvider } from './internal/define-provider.js';
import { cpuProvider } from './providers/cpu-provider.js';
import { nativeProvider } from './providers/native-provider.js';
import { tensorflowProvider } from './providers/tensorflow-provider.js';
import { wasmProvider } from './providers/wasm-provider.js';
import { webglProvider } from './providers/webgl-provider.js';
import { webgpuProvider } from './providers/webgpu-provider.js';

const providers: Readonly<Record<BackendName, InternalProvider>> = {
  cpu: cpuProvider,
  wasm: wasmProvider,
  webgl: webglProvider,
  webgpu: webgpuProvider,
  tensorflow: tensorflowProvider,
  native: nativeProvider,
};

/** @internal The provider with its runtime-info hook. */
export function internalProvider(name: string, api: string): InternalProvider {
  if (!isBackendName(name)) {
    throw new BackendError(
      'UNKNOWN_BACKEND',
      `${api}: unknown backend '${name}'; expected one of ${BACKEND_NAMES.join(', ')}.`,
    );
  }
  return providers[name];
}

/**
 * The provider for `name`; throws a {@link BackendError} (`UNKNOWN_BACKEND`) for any other string.
 *
 * @example
 * ```ts
 * import { getProvider } from '@estimatorjs/backends';
 * const wasm = getProvider('wasm');
 * console.log(wasm.packageName, wasm.supports);
 * ```
 */
export function getProvider(name: BackendName | (string & {})): BackendProvider {
  return internalProvider(name, `getProvider('${name}')`);
}
