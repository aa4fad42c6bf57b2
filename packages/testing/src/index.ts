export { describeBackends, setupTestBackend, type TestBackend } from './describe-backends.js';
export { countTensors, expectNoLeaks } from './expect-no-leaks.js';
export { tempModelDir } from './temp-model-dir.js';
