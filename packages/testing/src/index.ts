export { describeBackends, setupTestBackend, type TestBackend } from './describe-backends.js';
export { countTensors, expectNoLeaks } from './expect-no-leaks.js';
export { loadGraphModelFromDir } from './load-graph-model.js';
export { collectPlain, type TensorView, toPlain } from './plain-values.js';
export { tempModelDir } from './temp-model-dir.js';
