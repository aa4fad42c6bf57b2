import { Estimator, MemoryStorage, RunConfig } from '@estimatorjs/estimator';
import { setupTestBackend } from '@estimatorjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Experiment } from './experiment.js';
import { scheduleForTask } from './schedules.js';
import { EvalSpec, TrainSpec } from './specs.js';
import { toyInputFn, toyModelFn } from './toy-model.test-util.js';
import { trainAndEvaluate } from './train-and-evaluate.js';

beforeAll(() => setupTestBackend('cpu'));

const cluster = { chief: ['127.0.0.1:2222'], worker: ['127.0.0.1:2223'] };
const tfConfig = (type: string, c: object = cluster) => JSON.stringify({ cluster: c, task: { type, index: 0 } });
const estimatorFor = (config: RunConfig) =>
  new Estimator({ modelFn: toyModelFn, config, params: { learning_rate: 0.05 }, log: () => {} });
const specs = () =>
  [new TrainSpec({ inputFn: toyInputFn(1000), maxSteps: 3 }), new EvalSpec({ inputFn: toyInputFn(1) })] as const;

describe('TF_CONFIG roles in learnRunner and trainAndEvaluate', () => {
  it("picks each task's schedule as TF's learn_runner does", () => {
    const at = (type: string) => new RunConfig({ tfConfig: tfConfig(type) });
    expect(scheduleForTask('train_and_evaluate', new RunConfig())).toBe('train_and_evaluate');
    expect(scheduleForTask('train_and_evaluate', at('chief'))).toBe('train');
    expect(scheduleForTask('train_and_evaluate', at('worker'))).toBe('train');
    expect(scheduleForTask('train_and_evaluate', at('evaluator'))).toBe('continuous_eval');
    expect(scheduleForTask('train', at('evaluator'))).toBe('continuous_eval');
    expect(scheduleForTask('evaluate', at('chief'))).toBe('evaluate');
    expect(() =>
      scheduleForTask('train', new RunConfig({ tfConfig: tfConfig('ps', { ...cluster, ps: ['h:1'] }) })),
    ).toThrow(/"ps"; asynchronous parameter-server training is not implemented/);
  });

  it('the chief of a one-replica cluster trains, writes the checkpoint and leaves evaluation to the evaluator', async () => {
    const storage = new MemoryStorage('solo');
    const config = new RunConfig({
      modelDir: 'solo',
      storage,
      randomSeed: 1,
      tfConfig: tfConfig('chief', { chief: ['127.0.0.1:2222'] }),
    });
    const [train, evalSpec] = specs();
    const estimator = estimatorFor(config);
    expect(await trainAndEvaluate(estimator, train, evalSpec)).toBeNull();
    expect(await estimator.latestCheckpoint()).toBe('solo/model.ckpt-3');
  });

  it('Experiment.run() adjusts the schedule the same way: the chief of a cluster trains without evaluating', async () => {
    const storage = new MemoryStorage('exp');
    const config = new RunConfig({
      modelDir: 'exp',
      storage,
      randomSeed: 1,
      tfConfig: tfConfig('chief', { chief: ['127.0.0.1:2222'] }),
    });
    const experiment = new Experiment({
      estimator: estimatorFor(config),
      trainInputFn: toyInputFn(1000),
      evalInputFn: toyInputFn(1),
      trainSteps: 2,
    });
    expect(await experiment.run('train_and_evaluate')).toBeUndefined();
    expect(experiment.evalResults).toEqual([]);
  });

  it('refuses what it cannot run, with one clear error each', async () => {
    const [train, evalSpec] = specs();
    const ps = estimatorFor(new RunConfig({ tfConfig: tfConfig('ps', { ...cluster, ps: ['h:1'] }) }));
    await expect(trainAndEvaluate(ps, train, evalSpec)).rejects.toThrow(
      /trainAndEvaluate\(\): TF_CONFIG names this task "ps"/,
    );
    const chief = estimatorFor(new RunConfig({ tfConfig: tfConfig('chief') }));
    await expect(chief.train(toyInputFn(10), { steps: 1 })).rejects.toMatchObject({
      code: 'NO_TRAIN_DISTRIBUTE',
      message: expect.stringMatching(/TF_CONFIG has 2 training replicas but RunConfig has no trainDistribute/),
    });
    const evaluator = estimatorFor(new RunConfig({ tfConfig: tfConfig('evaluator') }));
    await expect(evaluator.train(toyInputFn(10), { steps: 1 })).rejects.toMatchObject({
      code: 'UNSUPPORTED_TASK_TYPE',
    });
  });
});
