import { describe, expect, it } from 'vitest';
import { Estimator } from './estimator.js';
import { RunConfig } from './run-config.js';

describe('RunConfig', () => {
  it('has TF defaults and validates fields', () => {
    const c = new RunConfig({ modelDir: '/tmp/m' });
    expect([c.saveSummarySteps, c.saveCheckpointsSecs, c.saveCheckpointsSteps, c.keepCheckpointMax]).toEqual([
      100,
      600,
      undefined,
      5,
    ]);
    expect(c.replace({ saveCheckpointsSteps: 50 }).saveCheckpointsSecs).toBeUndefined();
    expect(() => new RunConfig({ saveCheckpointsSteps: 10, saveCheckpointsSecs: 5 })).toThrow(/not both/);
    expect(() => new RunConfig({ saveSummarySteps: 0 })).toThrow(/saveSummarySteps must be a number > 0. Received 0/);
    expect(() => new RunConfig({ keepCheckpointMax: -1 })).toThrow(/keepCheckpointMax must be an integer >= 0 or null/);
  });

  it("refuses TF's snake_case names and typos, naming the camelCase key", () => {
    const attempt = (o: object) => () => new RunConfig(o as never);
    expect(attempt({ model_dir: '/tmp/m' })).toThrow(
      /^RunConfig: unknown option "model_dir"\. Did you mean "modelDir"\? Known options: "modelDir", /,
    );
    expect(attempt({ tf_random_seed: 1 })).toThrow(/unknown option "tf_random_seed"\. Did you mean "randomSeed"\?/);
    expect(attempt({ saveCheckpointSteps: 10 })).toThrow(/Did you mean "saveCheckpointsSteps"\?/);
    expect(attempt({ session_config: {} })).toThrow(/unknown option "session_config"\. Known options:/);
    expect(() => new RunConfig({ modelDir: '/tmp/m' }).replace({ keep_checkpoint_max: 3 } as never)).toThrow(
      /Did you mean "keepCheckpointMax"\?/,
    );
    try {
      attempt({ model_dir: 'x' })();
    } catch (e) {
      expect([(e as { code: string }).code, (e as Error).name]).toEqual(['UNKNOWN_OPTION', 'ConfigError']);
    }
  });
});

describe('Estimator options', () => {
  const modelFn = () => {
    throw new Error('not called');
  };
  it('refuses unknown keys of the constructor and of train/evaluate/predict options', async () => {
    expect(() => new Estimator({ modelFn, model_dir: '/tmp/x' } as never)).toThrow(
      /^new Estimator\(\): unknown option "model_dir"; the model directory goes in the RunConfig: .*new RunConfig\(\{ modelDir \}\)/,
    );
    expect(() => new Estimator({ modelFn, parmas: {} } as never)).toThrow(
      /^new Estimator\(\): unknown option "parmas"\. Did you mean "params"\? Known options: "modelFn", "config"/,
    );
    const est = new Estimator({ modelFn });
    const inputFn = () => [];
    await expect(est.train(inputFn as never, { max_steps: 3 } as never)).rejects.toThrow(
      /^Estimator\.train\(\): unknown option "max_steps"\. Did you mean "maxSteps"\?/,
    );
    await expect(est.evaluate(inputFn as never, { checkpoint_path: 'a' } as never)).rejects.toThrow(
      /^Estimator\.evaluate\(\): unknown option "checkpoint_path"\. Did you mean "checkpointPath"\?/,
    );
    await expect(est.predict(inputFn as never, { predict_keys: ['y'] } as never).next()).rejects.toThrow(
      /^Estimator\.predict\(\): unknown option "predict_keys"\. Did you mean "predictKeys"\?/,
    );
  });
});
