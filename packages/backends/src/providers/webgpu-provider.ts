import { BackendError } from '../backend-error.js';
import { defineProvider, type InternalProvider } from '../internal/define-provider.js';
import { loadPackage, probe } from '../internal/load-package.js';
import { raiseStorageBufferLimit } from '../internal/raise-storage-buffer-limit.js';

const packageName = '@tensorflow/tfjs-backend-webgpu';
const load = () => loadPackage('webgpu', packageName, () => import('@tensorflow/tfjs-backend-webgpu'));

interface GpuLike {
  requestAdapter(options?: unknown): Promise<unknown>;
}

/** The WebGPU entry point, when this environment has one (browsers; Node only when a Dawn binding installed it). */
function navigatorGpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

/**
 * The WebGPU backend (`@tensorflow/tfjs-backend-webgpu`): GPU training through WebGPU compute shaders in browsers
 * that expose `navigator.gpu`. The package is imported only after `navigator.gpu` is found, because importing it
 * makes it tfjs's default backend.
 *
 * @example
 * ```ts
 * import { webgpuProvider } from '@estimatorjs/backends';
 * if ((await webgpuProvider.isAvailable()).available) console.log('WebGPU here');
 * ```
 */
export const webgpuProvider: InternalProvider = defineProvider({
  name: 'webgpu',
  packageName,
  supports: { gpu: true, node: false, browser: true, training: true, threads: false, float16: false },
  async check() {
    const gpu = navigatorGpu();
    if (!gpu) {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        "useBackend('webgpu'): navigator.gpu is missing here (WebGPU needs Chrome/Edge 113+ or another browser with WebGPU enabled; in Node, set navigator.gpu from the `webgpu` npm package first); use 'webgl' in older browsers, 'wasm' or 'cpu' in Node.",
      );
    }
    let adapter: unknown;
    try {
      adapter = await gpu.requestAdapter();
    } catch {
      adapter = null;
    }
    if (adapter == null) {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        "useBackend('webgpu'): navigator.gpu.requestAdapter() returned no adapter (GPU blocklisted, disabled, or headless without --enable-unsafe-webgpu); use 'webgl' or 'wasm'.",
      );
    }
    return probe(load);
  },
  async prepare() {
    raiseStorageBufferLimit(navigatorGpu());
    await load();
  },
});
