import { Estimator, HParams, RunConfig } from '@estimatorjs/estimator';
import { describe, expect, it } from 'vitest';
import { Experiment } from './experiment.js';
import { learnRunner } from './learn-runner.js';
import { EvalSpec, TrainSpec } from './specs.js';

const inputFn = () => [];

describe('experiment options refuse unknown keys', () => {
  it("name TF's snake_case key and the camelCase one it meant", async () => {
    expect(() => new TrainSpec({ inputFn, max_steps: 100 } as never)).toThrow(
      /^new TrainSpec\(\): unknown option "max_steps"\. Did you mean "maxSteps"\? Known options: "inputFn", "maxSteps", "hooks"\.$/,
    );
    expect(() => new EvalSpec({ inputFn, throttle_secs: 60 } as never)).toThrow(
      /^new EvalSpec\(\): unknown option "throttle_secs"\. Did you mean "throttleSecs"\?/,
    );
    const estimator = new Estimator({ modelFn: () => ({}) as never, log: () => {} });
    expect(
      () => new Experiment({ estimator, trainInputFn: inputFn, evalInputFn: inputFn, train_steps: 5 } as never),
    ).toThrow(/^new Experiment\(\): unknown option "train_steps"\. Did you mean "trainSteps"\?/);
    await expect(
      learnRunner.run(
        (() => ({})) as never,
        { runConfig: new RunConfig(), hparams: new HParams({}), run_config: 1 } as never,
      ),
    ).rejects.toThrow(/^learnRunner\.run\(\): unknown option "run_config"\. Did you mean "runConfig"\?/);
    try {
      new TrainSpec({ inputFn, maxStep: 3 } as never);
    } catch (e) {
      expect([(e as { code: string }).code, (e as Error).name]).toEqual(['UNKNOWN_OPTION', 'ExperimentError']);
    }
    estimator.dispose();
  });
});
