/**
 * TF_CONFIG parsing, as TF 1.x's `RunConfig` does it (`run_config.py`): the cluster's jobs (`chief`, `worker`, `ps`,
 * `evaluator` → address lists) and this task's type and index, turned into the task's role. Owns: validation and the
 * derived fields (taskType, taskId, numWorkerReplicas, isChief, global id). Does not own: reading the environment
 * (the Node entry of `@estimatorjs/experiment` reads `process.env.TF_CONFIG` and passes the string in) or acting on
 * the role (the Estimator and `trainAndEvaluate` do).
 */
import { ConfigError, describe } from './errors.js';

/** A TF task type. `ps` parses but training refuses it (asynchronous parameter servers are not implemented). */
export type TaskType = 'chief' | 'worker' | 'ps' | 'evaluator';

/** Job name → addresses (`host:port`), TF's `ClusterSpec` as a plain object. */
export type ClusterSpec = Readonly<Partial<Record<TaskType, readonly string[]>>>;

/** TF_CONFIG as JSON: `{ cluster: { chief: [...], worker: [...] }, task: { type: 'worker', index: 0 } }`. */
export interface TfConfig {
  readonly cluster?: ClusterSpec;
  readonly task?: { readonly type?: string; readonly index?: number | string };
}

/** The role of this process that TF_CONFIG describes. */
export interface TaskRole {
  readonly taskType: TaskType;
  readonly taskId: number;
  /** The chief plus the workers (TF's `num_worker_replicas`); 0 on the evaluator, 1 without a cluster. */
  readonly numWorkerReplicas: number;
  readonly numPsReplicas: number;
  /** The chief writes checkpoints and summaries; without a cluster the single worker is the chief. */
  readonly isChief: boolean;
  /** The training cluster; empty without one and on the evaluator (TF: the evaluator is not part of it). */
  readonly clusterSpec: ClusterSpec;
  /** 0 for the chief, then the other jobs alphabetically, `ps` last (TF's `global_id_in_cluster`); null on the evaluator. */
  readonly globalIdInCluster: number | null;
}

const JOBS: readonly TaskType[] = ['chief', 'worker', 'ps', 'evaluator'];
const API = 'RunConfig: TF_CONFIG';

function fail(message: string): never {
  throw new ConfigError('INVALID_TF_CONFIG', `${API} ${message}`);
}

/**
 * Parses TF_CONFIG (the JSON string or the object) into this task's role, with TF's rules and one-line errors.
 * @example
 *   const role = parseTfConfig({ cluster: { chief: ['host0:2222'], worker: ['host1:2222'] }, task: { type: 'worker', index: 0 } });
 */
export function parseTfConfig(input: string | TfConfig | undefined): TaskRole {
  let config: TfConfig;
  if (input === undefined || input === '') config = {};
  else if (typeof input === 'string') {
    try {
      config = JSON.parse(input) as TfConfig;
    } catch (e) {
      fail(`is not valid JSON (${(e as Error).message}). Received ${JSON.stringify(input.slice(0, 80))}.`);
    }
  } else config = input;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    fail(`must be a JSON object with "cluster" and "task". Received ${describe(config)}.`);
  }
  const cluster = readCluster(config.cluster);
  const task = config.task ?? {};
  if (typeof task !== 'object' || task === null) fail(`"task" must be an object. Received ${describe(task)}.`);
  if (Object.keys(cluster).length === 0) {
    // Local mode: TF accepts only the single worker 0 here.
    const type = task.type ?? 'worker';
    const index = task.index === undefined ? 0 : readIndex(task.index);
    if (type !== 'worker')
      fail(`has no "cluster", so the task type must be "worker". Received ${JSON.stringify(type)}.`);
    if (index !== 0) fail(`has no "cluster", so the task index must be 0. Received ${index}.`);
    return {
      taskType: 'worker',
      taskId: 0,
      numWorkerReplicas: 1,
      numPsReplicas: 0,
      isChief: true,
      clusterSpec: {},
      globalIdInCluster: 0,
    };
  }
  const chief = cluster.chief;
  if (chief === undefined) {
    fail(
      `has a "cluster" without a "chief" job; it must have one "chief" node. Received jobs ${Object.keys(cluster).join(', ')}.`,
    );
  }
  if (chief.length !== 1) fail(`"cluster" must have exactly one "chief" node. Received ${chief.length}.`);
  if (task.type === undefined || task.type === '') fail('has a "cluster", so "task.type" must be set.');
  if (task.index === undefined) fail('has a "cluster", so "task.index" must be set.');
  const taskType = task.type as TaskType;
  if (!JOBS.includes(taskType)) {
    fail(`"task.type" must be one of ${JOBS.join(', ')}. Received ${JSON.stringify(task.type)}.`);
  }
  const taskId = readIndex(task.index);
  if (taskType === 'evaluator') {
    // TF: the evaluator is not part of the training cluster, and there is at most one.
    if (taskId !== 0) fail(`allows one evaluator task (index 0). Received index ${taskId}.`);
    return {
      taskType,
      taskId,
      numWorkerReplicas: 0,
      numPsReplicas: 0,
      isChief: false,
      clusterSpec: {},
      globalIdInCluster: null,
    };
  }
  const addresses = cluster[taskType];
  if (addresses === undefined) {
    fail(`"task.type" ${JSON.stringify(taskType)} is not a job of the cluster (${Object.keys(cluster).join(', ')}).`);
  }
  if (taskId >= addresses.length) {
    fail(
      `"task.index" ${taskId} is out of range for job ${JSON.stringify(taskType)} with ${addresses.length} task(s).`,
    );
  }
  const { evaluator: _evaluator, ...training } = cluster;
  return {
    taskType,
    taskId,
    numWorkerReplicas: (cluster.worker?.length ?? 0) + chief.length,
    numPsReplicas: cluster.ps?.length ?? 0,
    isChief: taskType === 'chief',
    clusterSpec: training,
    globalIdInCluster: globalId(cluster, taskType, taskId),
  };
}

function readCluster(cluster: unknown): Record<string, string[]> & ClusterSpec {
  if (cluster === undefined || cluster === null) return {};
  if (typeof cluster !== 'object' || Array.isArray(cluster)) {
    fail(`"cluster" must be an object of job name → address list. Received ${describe(cluster)}.`);
  }
  const out: Record<string, string[]> = {};
  for (const [job, addresses] of Object.entries(cluster)) {
    if (job === 'master') {
      fail('uses the legacy "master" job; name it "chief" (TF 1.x\'s distribution strategies do the same).');
    }
    if (!(JOBS as readonly string[]).includes(job)) {
      fail(`"cluster" has an unknown job ${JSON.stringify(job)}; expected ${JOBS.join(', ')}.`);
    }
    if (!Array.isArray(addresses) || addresses.some((a) => typeof a !== 'string' || !/^[^\s:]+:\d+$/.test(a))) {
      fail(`"cluster.${job}" must be a list of "host:port" strings. Received ${JSON.stringify(addresses)}.`);
    }
    if (addresses.length > 0) out[job] = [...addresses];
  }
  return out;
}

function readIndex(index: unknown): number {
  // TF does int(task_id): a numeric string is fine.
  const n = typeof index === 'string' && /^-?\d+$/.test(index) ? Number(index) : index;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    fail(`"task.index" must be an integer >= 0. Received ${JSON.stringify(index)}.`);
  }
  return n;
}

function globalId(cluster: ClusterSpec, taskType: TaskType, taskId: number): number {
  const order: TaskType[] = [
    'chief',
    ...(Object.keys(cluster) as TaskType[]).filter((t) => t !== 'chief' && t !== 'ps' && t !== 'evaluator').sort(),
    ...(cluster.ps ? (['ps'] as const) : []),
  ];
  let next = 0;
  for (const t of order) {
    if (t === taskType) return next + taskId;
    next += cluster[t]?.length ?? 0;
  }
  return next;
}
