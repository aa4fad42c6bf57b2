// bench/ is not a workspace package. tfjs and @estimatorjs/backends come from bench/backends/deps.mjs (resolved
// through packages/backends); the estimator, data and the mnist example come from their built dist folders, which
// resolve the same @tensorflow/tfjs-core, so one engine runs everything.
export { backends, loadCpu, loadLayers, loadWasm, tf } from '../backends/deps.mjs';

const dist = (path) => import(new URL(`../../${path}`, import.meta.url).href);

// BENCH_ESTIMATOR_DIST (a folder under the repository, e.g. packages/estimator/dist-before built from an older
// commit) loads another build of the estimator for a before/after in alternating processes.
export const est = await dist(`${process.env.BENCH_ESTIMATOR_DIST ?? 'packages/estimator/dist'}/index.js`);
export const data = await dist('packages/data/dist/index.js');
export const mnist = await dist('examples/mnist/dist/index.js');
