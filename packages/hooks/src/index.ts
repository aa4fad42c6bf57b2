export {
  CheckpointSaverHook,
  type CheckpointSaverHookOptions,
  type CheckpointSaverListener,
  type Saver,
} from './checkpoint-saver-hook.js';
export type { ChromeTrace, ChromeTraceEvent } from './chrome-trace.js';
export { HookError } from './errors.js';
export { type Every, EveryN, everyN } from './every-n.js';
export { FeedFnHook } from './feed-fn-hook.js';
export { FinalOpsHook, type FinalOpsHookOptions } from './final-ops-hook.js';
export { GlobalStepWaiterHook, type GlobalStepWaiterHookOptions } from './global-step-waiter-hook.js';
export type {
  FetchedValue,
  Hook,
  Mode,
  RunArgs,
  RunContext,
  RunValues,
  ScalarWriter,
  SessionContext,
} from './hook.js';
export { HookList, hookName } from './hook-list.js';
export { formatValue, LoggingTensorHook, type LoggingTensorHookOptions } from './logging-tensor-hook.js';
export { NanTensorHook, type NanTensorHookOptions } from './nan-tensor-hook.js';
export { ProfilerHook, type ProfilerHookOptions } from './profiler-hook.js';
export {
  formatDuration,
  ProgressBarHook,
  type ProgressBarHookOptions,
  type ProgressOutput,
} from './progress-bar-hook.js';
export { StepCounterHook, type StepCounterHookOptions } from './step-counter-hook.js';
export { StopAtStepHook, type StopAtStepOptions } from './stop-at-step-hook.js';
export { SummarySaverHook, type SummarySaverHookOptions } from './summary-saver-hook.js';
