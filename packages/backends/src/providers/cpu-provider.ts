import { defineProvider, type InternalProvider } from '../internal/define-provider.js';
import { loadPackage, probe } from '../internal/load-package.js';

const packageName = '@tensorflow/tfjs-backend-cpu';
const load = () => loadPackage('cpu', packageName, () => import('@tensorflow/tfjs-backend-cpu'));

/**
 * The plain-JavaScript backend (`@tensorflow/tfjs-backend-cpu`): runs everywhere with every kernel and is the
 * reference for conformance; slow for convolutions.
 *
 * @example
 * ```ts
 * import { cpuProvider } from '@estimatorjs/backends';
 * console.log(await cpuProvider.isAvailable());
 * ```
 */
export const cpuProvider: InternalProvider = defineProvider({
  name: 'cpu',
  packageName,
  supports: { gpu: false, node: true, browser: true, training: true, threads: false, float16: false },
  check: () => probe(load),
  async prepare() {
    await load();
  },
});
