import { BackendError } from '../backend-error.js';
import { defineProvider, type InternalProvider } from '../internal/define-provider.js';
import { loadPackage, probe } from '../internal/load-package.js';

const packageName = '@tensorflow/tfjs-backend-webgl';
const load = () => loadPackage('webgl', packageName, () => import('@tensorflow/tfjs-backend-webgl'));

/** True when this JS environment can hand out a WebGL context (a browser page or a worker with OffscreenCanvas). */
function hasWebGL(): boolean {
  const g = globalThis as {
    OffscreenCanvas?: new (w: number, h: number) => { getContext(kind: string): unknown };
    document?: { createElement(tag: string): { getContext(kind: string): unknown } };
  };
  try {
    const canvas = g.OffscreenCanvas ? new g.OffscreenCanvas(1, 1) : g.document?.createElement('canvas');
    return canvas != null && (canvas.getContext('webgl2') != null || canvas.getContext('webgl') != null);
  } catch {
    return false;
  }
}

/**
 * The WebGL backend (`@tensorflow/tfjs-backend-webgl`): GPU training in browsers through WebGL shaders.
 * Not available in Node (no WebGL context there).
 *
 * @example
 * ```ts
 * import { webglProvider } from '@estimatorjs/backends';
 * const { available, reason } = await webglProvider.isAvailable();
 * ```
 */
export const webglProvider: InternalProvider = defineProvider({
  name: 'webgl',
  packageName,
  supports: { gpu: true, node: false, browser: true, training: true, threads: false, float16: true },
  async check() {
    if (!hasWebGL()) {
      return new BackendError(
        'BACKEND_UNAVAILABLE',
        "useBackend('webgl'): no WebGL context here (WebGL needs a browser page or a worker with OffscreenCanvas; Node has none); in Node use 'wasm' or 'cpu'.",
      );
    }
    return probe(load);
  },
  async prepare() {
    await load();
  },
});
