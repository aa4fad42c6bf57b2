import { describe, expect, it } from 'vitest';
import { RunConfig } from './run-config.js';

// The cluster of TF 1.x's RunConfig docstring (tensorflow/python/estimator/run_config.py), with the values its
// examples assert for a worker, the chief and the evaluator.
const cluster = {
  chief: ['host0:2222'],
  ps: ['host1:2222', 'host2:2222'],
  worker: ['host3:2222', 'host4:2222', 'host5:2222'],
};
const tfConfig = (task: object, c: object = cluster) => JSON.stringify({ cluster: c, task });

describe('RunConfig reads TF_CONFIG as TF does', () => {
  it('without TF_CONFIG: the single worker 0, chief, one replica', () => {
    const c = new RunConfig();
    expect([c.taskType, c.taskId, c.numWorkerReplicas, c.numPsReplicas, c.isChief, c.clusterSpec]).toEqual([
      'worker',
      0,
      1,
      0,
      true,
      {},
    ]);
  });

  it("TF's worker example: task_id 1, 2 ps, 4 worker replicas, not chief", () => {
    const c = new RunConfig({ tfConfig: tfConfig({ type: 'worker', index: 1 }) });
    expect([c.taskType, c.taskId, c.numPsReplicas, c.numWorkerReplicas, c.isChief]).toEqual(['worker', 1, 2, 4, false]);
    expect(c.clusterSpec).toEqual(cluster);
    // chief 0, workers 1..3, ps last (TF's _get_global_id_in_cluster).
    expect(c.globalIdInCluster).toBe(2);
  });

  it("TF's chief example: task_id 0, chief, global id 0", () => {
    const c = new RunConfig({ tfConfig: tfConfig({ type: 'chief', index: 0 }) });
    expect([c.taskType, c.taskId, c.numPsReplicas, c.numWorkerReplicas, c.isChief, c.globalIdInCluster]).toEqual([
      'chief',
      0,
      2,
      4,
      true,
      0,
    ]);
    const ps = new RunConfig({ tfConfig: tfConfig({ type: 'ps', index: 1 }) });
    expect(ps.globalIdInCluster).toBe(5);
  });

  it("TF's evaluator example: not part of the training cluster", () => {
    const c = new RunConfig({ tfConfig: { cluster, task: { type: 'evaluator', index: 0 } } });
    expect([c.taskType, c.taskId, c.numPsReplicas, c.numWorkerReplicas, c.isChief, c.clusterSpec]).toEqual([
      'evaluator',
      0,
      0,
      0,
      false,
      {},
    ]);
  });

  it('accepts a numeric string index (TF does int(index)) and survives replace()', () => {
    const c = new RunConfig({ tfConfig: tfConfig({ type: 'worker', index: '2' }) });
    expect(c.taskId).toBe(2);
    expect(c.replace({ saveSummarySteps: 5 }).taskId).toBe(2);
  });

  it.each([
    ['{not json', /TF_CONFIG is not valid JSON/],
    [tfConfig({ type: 'worker', index: 0 }, { worker: ['h:1'] }), /without a "chief" job/],
    [tfConfig({ type: 'worker', index: 0 }, { chief: ['a:1', 'b:1'] }), /exactly one "chief" node. Received 2/],
    [tfConfig({ index: 0 }), /"task.type" must be set/],
    [tfConfig({ type: 'worker' }), /"task.index" must be set/],
    [tfConfig({ type: 'worker', index: 3 }), /"task.index" 3 is out of range for job "worker" with 3 task/],
    [tfConfig({ type: 'worker', index: -1 }), /"task.index" must be an integer >= 0. Received -1/],
    [tfConfig({ type: 'boss', index: 0 }), /"task.type" must be one of chief, worker, ps, evaluator. Received "boss"/],
    [tfConfig({ type: 'evaluator', index: 1 }), /one evaluator task \(index 0\)/],
    [tfConfig({ type: 'worker', index: 0 }, { chief: ['h:1'], master: ['m:1'] }), /legacy "master" job/],
    [tfConfig({ type: 'chief', index: 0 }, { chief: ['nohostport'] }), /"cluster.chief" must be a list of "host:port"/],
    [JSON.stringify({ task: { type: 'chief', index: 0 } }), /no "cluster", so the task type must be "worker"/],
    [JSON.stringify({ task: { type: 'worker', index: 1 } }), /no "cluster", so the task index must be 0/],
  ])('rejects malformed TF_CONFIG %s', (input, message) => {
    expect(() => new RunConfig({ tfConfig: input })).toThrow(message);
    try {
      new RunConfig({ tfConfig: input });
    } catch (e) {
      expect((e as { code?: string }).code).toBe('INVALID_TF_CONFIG');
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
