import {
  AdamOptimizer,
  Estimator,
  HParams,
  layers,
  losses,
  MemoryStorage,
  type ModelFn,
  metrics,
  RunConfig,
} from '@estimatorjs/estimator';
import type { Hook } from '@estimatorjs/hooks';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Experiment } from './experiment.js';
import { learnRunner } from './learn-runner.js';

beforeAll(() => setupTestBackend('cpu'));

const modelFn: ModelFn<{ learning_rate: number }> = (features, labels, mode, params) => {
  const logits = layers.dense(features as tf.Tensor, 2, { name: 'logits' });
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
  if (mode === 'eval')
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels as tf.Tensor, tf.argMax(logits, 1)) } };
  if (mode === 'infer') return { mode, predictions: logits };
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: params.learning_rate }).minimize(loss) };
};

// Class 1 when the first feature is larger: learnable by one dense layer.
function inputFn(batches: number) {
  return async function* () {
    for (let b = 0; b < batches; b++) {
      const x = tf.tidy(() => tf.randomUniform([16, 2], 0, 1, 'float32', b));
      const y = tf.tidy(() =>
        tf.reshape(tf.cast(tf.greater(tf.slice(x, [0, 0], [16, 1]), tf.slice(x, [0, 1], [16, 1])), 'int32'), [16]),
      );
      yield [x, y] as const;
    }
  };
}

function experimentFn(runConfig: RunConfig, hparams: HParams<{ learning_rate: number; train_steps: number }>) {
  const estimator = new Estimator({ modelFn, config: runConfig, params: hparams.values(), log: () => {} });
  return new Experiment({
    estimator,
    trainInputFn: inputFn(1_000_000),
    evalInputFn: inputFn(4),
    trainSteps: hparams.get('train_steps'),
    minEvalFrequency: 20,
    log: () => {},
  });
}

describe('learnRunner.run', () => {
  it('train_and_evaluate evaluates after checkpoints at least minEvalFrequency apart and at the end', async () => {
    const runConfig = new RunConfig({
      modelDir: 'm',
      storage: new MemoryStorage('m'),
      saveCheckpointsSteps: 10,
      randomSeed: 1,
      logStepCountSteps: 1000,
    });
    const hparams = new HParams({ learning_rate: 0.05, train_steps: 55 });
    let experiment: Experiment | undefined;
    await learnRunner.run(
      (c, h: typeof hparams) => {
        experiment = experimentFn(c, h) as unknown as Experiment;
        return experiment;
      },
      { runConfig, schedule: 'train_and_evaluate', hparams },
    );
    expect(experiment!.evalResults.map((r) => r.globalStep)).toEqual([10, 30, 50, 55]);
    expect(experiment!.evalResults.at(-1)!.accuracy).toBeGreaterThan(0.8);
  });

  it('runs train then evaluate as separate schedules and passes hooks through', async () => {
    const storage = new MemoryStorage('n');
    const runConfig = new RunConfig({ modelDir: 'n', storage, saveCheckpointsSteps: 100, logStepCountSteps: 1000 });
    const hparams = new HParams({ learning_rate: 0.05, train_steps: 30 });
    const seen: string[] = [];
    const hook: Hook = { afterCreateSession: (ctx) => void seen.push(`${ctx.mode}@${ctx.globalStep}`) };
    const withHooks = (c: RunConfig, h: typeof hparams) => {
      const e = experimentFn(c, h) as unknown as Experiment<{ learning_rate: number }>;
      return new Experiment({
        estimator: e.estimator,
        trainInputFn: inputFn(1000),
        evalInputFn: inputFn(2),
        trainSteps: 30,
        trainMonitors: [hook],
        evalHooks: [hook],
      });
    };
    await learnRunner.run(withHooks, { runConfig, schedule: 'train', hparams });
    const results = (await learnRunner.run(withHooks, { runConfig, schedule: 'evaluate', hparams })) as {
      globalStep: number;
    };
    expect(results.globalStep).toBe(30);
    expect(seen).toEqual(['train@0', 'eval@30']);
  });

  it('rejects unknown schedules and bad experiments with clear errors', async () => {
    const runConfig = new RunConfig({ storage: new MemoryStorage(), modelDir: 'x' });
    await expect(
      learnRunner.run(experimentFn as never, { runConfig, schedule: 'fly', hparams: new HParams({}) }),
    ).rejects.toThrow(
      /unknown schedule "fly"; expected one of train, evaluate, train_and_evaluate, continuous_eval, test/,
    );
    await expect(learnRunner.run((() => ({})) as never, { runConfig, hparams: new HParams({}) })).rejects.toThrow(
      /must return an Experiment/,
    );
    expect(() => new Experiment({ estimator: {} as never, trainInputFn: inputFn(1), evalInputFn: inputFn(1) })).toThrow(
      /estimator must be an Estimator/,
    );
  });
});
