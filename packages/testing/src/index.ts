export {
  type CheckEventFilesOptions,
  checkEventFiles,
  describeEventFileReport,
  type EventFileIssue,
  type EventFileReport,
  expectEventFiles,
  type RunReport,
  type TagPoint,
  type TagSeries,
} from './check-event-files.js';
export { CHROMIUM, CHROMIUM_ARGS, chromiumTool, launchChromium } from './chromium.js';
export { describeBackends, setupTestBackend, type TestBackend } from './describe-backends.js';
export { countTensors, expectNoLeaks } from './expect-no-leaks.js';
export { type WireField, wireFields } from './internal/oracle-wire.js';
export { loadGraphModelFromDir } from './load-graph-model.js';
export { eventually, isSettled, ManualCalls, nextTurn } from './manual-calls.js';
export { ManualClock } from './manual-clock.js';
export { collectPlain, type TensorView, toPlain } from './plain-values.js';
export {
  describeWithTool,
  itWithTool,
  runningInCi,
  type TestApi,
  type Tool,
  type ToolPlan,
  toolPlan,
} from './require-tool.js';
export { tempModelDir } from './temp-model-dir.js';
export { fashionMnistTool, pythonEventCheckerTool, tfEventFixtures } from './tools.js';
