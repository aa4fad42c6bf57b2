/**
 * The hooks Estimator.train() runs besides the caller's (TF 1.x's MonitoredTrainingSession defaults): the NaN check,
 * loss logging and the step rate; on the chief also summaries and checkpoints; then the stop-at-step hooks.
 */
import {
  CheckpointSaverHook,
  type CheckpointSaverListener,
  type Hook,
  LoggingTensorHook,
  NanTensorHook,
  StepCounterHook,
  StopAtStepHook,
  SummarySaverHook,
} from '@estimatorjs/hooks';
import { DEFAULTS } from '../defaults.js';
import type { RunConfig } from '../run-config.js';

export interface TrainHooksOptions {
  readonly config: RunConfig;
  readonly log: (line: string) => void;
  /** Saves a checkpoint; returns its prefix. */
  readonly save: () => Promise<string>;
  /** The caller's hooks: they run first. */
  readonly hooks?: readonly Hook[];
  readonly savingListeners?: readonly CheckpointSaverListener[];
  readonly steps?: number;
  readonly maxSteps?: number;
}

export function trainHooks(o: TrainHooksOptions): Hook[] {
  const cfg = o.config;
  const every =
    cfg.saveCheckpointsSteps !== undefined
      ? { steps: cfg.saveCheckpointsSteps }
      : { secs: cfg.saveCheckpointsSecs ?? DEFAULTS.saveCheckpointsSecs };
  // Only the chief writes checkpoints and summaries (TF 1.x): a worker trains the same weights in sync.
  const hooks: Hook[] = [
    ...(o.hooks ?? []),
    new NanTensorHook(),
    new LoggingTensorHook({
      tensors: { loss: 'loss', step: 'global_step' },
      every: { steps: cfg.logStepCountSteps },
      log: o.log,
    }),
    new StepCounterHook({ every: { steps: cfg.logStepCountSteps }, log: o.log }),
    ...(cfg.isChief
      ? [
          new SummarySaverHook({ scalars: ['loss'], every: { steps: cfg.saveSummarySteps } }),
          new CheckpointSaverHook({
            saver: { save: o.save },
            every,
            log: o.log,
            listeners: o.savingListeners ?? [],
          }),
        ]
      : []),
  ];
  if (o.steps !== undefined) hooks.push(new StopAtStepHook({ numSteps: o.steps }));
  if (o.maxSteps !== undefined) hooks.push(new StopAtStepHook({ lastStep: o.maxSteps }));
  return hooks;
}
