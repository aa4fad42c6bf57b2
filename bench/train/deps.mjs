// bench/ is not a workspace package. tfjs and @estimatorjs/backends come from bench/backends/deps.mjs (resolved
// through packages/backends); the estimator, data and the mnist example come from their built dist folders, which
// resolve the same @tensorflow/tfjs-core, so one engine runs everything.
export { backends, loadCpu, loadLayers, loadWasm, tf } from '../backends/deps.mjs';

const dist = (path) => import(new URL(`../../${path}`, import.meta.url).href);

export const est = await dist('packages/estimator/dist/index.js');
export const data = await dist('packages/data/dist/index.js');
export const mnist = await dist('examples/mnist/dist/index.js');
