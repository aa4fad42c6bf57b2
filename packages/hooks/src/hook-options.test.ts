import { describe, expect, it } from 'vitest';
import { LoggingTensorHook } from './logging-tensor-hook.js';
import { NanTensorHook } from './nan-tensor-hook.js';
import { StepCounterHook } from './step-counter-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { SummarySaverHook } from './summary-saver-hook.js';

describe('hook constructors refuse unknown option keys', () => {
  it("name the key and the nearest known one (TF's snake_case names included)", () => {
    expect(() => new StopAtStepHook({ num_steps: 10 } as never)).toThrow(
      /^new StopAtStepHook\(\): unknown option "num_steps"\. Did you mean "numSteps"\? Known options: "numSteps", "lastStep"\.$/,
    );
    expect(() => new LoggingTensorHook({ tensors: ['loss'], every_n_iter: 10 } as never)).toThrow(
      /^new LoggingTensorHook\(\): unknown option "every_n_iter"\. Known options: "tensors", "every"/,
    );
    expect(() => new NanTensorHook({ failOnNan: true } as never)).toThrow(/Did you mean "failOnNanLoss"\?/);
    expect(() => new StepCounterHook({ batch_size: 32 } as never)).toThrow(/Did you mean "batchSize"\?/);
    expect(() => new SummarySaverHook({ scalar: ['loss'] } as never)).toThrow(/Did you mean "scalars"\?/);
    try {
      new StopAtStepHook({ last_step: 3 } as never);
    } catch (e) {
      expect([(e as { code: string }).code, (e as Error).name]).toEqual(['UNKNOWN_OPTION', 'HookError']);
    }
    expect(() => new NanTensorHook()).not.toThrow();
  });
});
