// bench/ is not a workspace package: resolve tfjs and @estimatorjs/backends through packages/backends.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const req = createRequire(new URL('../../packages/backends/package.json', import.meta.url));
const load = (name) => import(pathToFileURL(req.resolve(name)).href);

export const tf = await load('@tensorflow/tfjs-core');
export const backends = await import(new URL('../../packages/backends/dist/index.js', import.meta.url).href);
export const loadLayers = () => load('@tensorflow/tfjs-layers');
export const loadWasm = () => load('@tensorflow/tfjs-backend-wasm');
export const loadCpu = () => load('@tensorflow/tfjs-backend-cpu');
