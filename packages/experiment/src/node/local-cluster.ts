/**
 * The local cluster runner behind `estimatorjs-cluster`: starts the chief, N−1 workers and optionally an evaluator
 * as separate processes on 127.0.0.1 with free ports, each with its own `TF_CONFIG`; prefixes their output; restarts
 * a task that failed, as Kubernetes restarts a pod (a restart budget per task); stops them all on abort. Owns:
 * processes, ports, restarts. Does not own: what the processes do (the Estimator reads TF_CONFIG).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { ExperimentError } from '../errors.js';

/** One task of the local cluster. */
export interface ClusterTask {
  readonly type: 'chief' | 'worker' | 'evaluator';
  readonly index: number;
  /** `chief:0`, `worker:1`, … */
  readonly name: string;
  /** The TF_CONFIG this task runs with. */
  readonly tfConfig: string;
}

/** Options of {@link runLocalCluster}. */
export interface LocalClusterOptions {
  /** Training replicas: the chief plus `workers − 1` workers (TF's `chief:0`, `worker:0` … `worker:N−2`). */
  readonly workers: number;
  /** Also run an evaluator task (evaluates each new checkpoint of the shared modelDir). */
  readonly evaluator?: boolean;
  /** The program every task runs, e.g. `['node', 'train.js', '--model_dir', 'D']`. */
  readonly command: readonly string[];
  readonly cwd?: string;
  /** The environment of every task (default `process.env`), plus its TF_CONFIG. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How many times one task may be restarted after failing (default 3). */
  readonly maxRestarts?: number;
  /** Each output line, prefixed with the task name; default: stdout. */
  readonly output?: (line: string) => void;
  /** Stops every task (SIGTERM, then SIGKILL after 5 s). */
  readonly signal?: AbortSignal;
  /** Called with every process started (the tests use it to kill one). */
  readonly onSpawn?: (task: ClusterTask, child: ChildProcess, attempt: number) => void;
}

/** How a local cluster run ended. */
export interface LocalClusterResult {
  readonly tasks: readonly ClusterTask[];
  /** Restarts per task name. */
  readonly restarts: Readonly<Record<string, number>>;
}

/** A free TCP port on 127.0.0.1 (the OS picks; the port is released again before the task binds it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The tasks and their TF_CONFIG for `workers` replicas (+ evaluator) on 127.0.0.1.
 * @example
 *   const tasks = await localClusterTasks(2, true); // chief:0, worker:0, evaluator:0 on free 127.0.0.1 ports
 */
export async function localClusterTasks(workers: number, evaluator: boolean): Promise<ClusterTask[]> {
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ExperimentError(
      'INVALID_ARGUMENT',
      `estimatorjs-cluster: --workers must be an integer >= 1. Received ${String(workers)}.`,
    );
  }
  const address = async () => `127.0.0.1:${await freePort()}`;
  const chief = [await address()];
  const worker: string[] = [];
  for (let i = 0; i < workers - 1; i++) worker.push(await address());
  const cluster = { chief, ...(worker.length > 0 ? { worker } : {}) };
  const tfConfig = (type: string, index: number) => JSON.stringify({ cluster, task: { type, index } });
  return [
    { type: 'chief', index: 0, name: 'chief:0', tfConfig: tfConfig('chief', 0) },
    ...worker.map((_, i) => ({
      type: 'worker' as const,
      index: i,
      name: `worker:${i}`,
      tfConfig: tfConfig('worker', i),
    })),
    ...(evaluator
      ? [{ type: 'evaluator' as const, index: 0, name: 'evaluator:0', tfConfig: tfConfig('evaluator', 0) }]
      : []),
  ];
}

/**
 * Runs the command as every task of a local cluster until all end successfully; rejects when a task fails more
 * often than its restart budget (then stops the others).
 * @example
 *   await runLocalCluster({ workers: 2, evaluator: true, command: ['node', 'train.js', '--model_dir', '/tmp/m'] });
 */
export async function runLocalCluster(options: LocalClusterOptions): Promise<LocalClusterResult> {
  const [program, ...args] = options.command;
  if (program === undefined) {
    throw new ExperimentError('INVALID_ARGUMENT', 'estimatorjs-cluster: give the command to run after `--`.');
  }
  const tasks = await localClusterTasks(options.workers, options.evaluator ?? false);
  const maxRestarts = options.maxRestarts ?? 3;
  const out = options.output ?? ((line: string) => process.stdout.write(`${line}\n`));
  const width = Math.max(...tasks.map((t) => t.name.length));
  const restarts: Record<string, number> = Object.fromEntries(tasks.map((t) => [t.name, 0]));
  const running = new Map<string, ChildProcess>();
  let stopping = false;

  const stopAll = () => {
    stopping = true;
    for (const child of running.values()) {
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }
  };

  return new Promise<LocalClusterResult>((resolve, reject) => {
    const done = new Set<string>();
    let failed = false;
    const finish = (error?: Error) => {
      if (error) {
        if (failed) return;
        failed = true;
        stopAll();
        // Wait until every child is gone, so the caller sees no stray process.
        const wait = () => (running.size === 0 ? reject(error) : setTimeout(wait, 50));
        wait();
        return;
      }
      if (done.size === tasks.length) resolve({ tasks, restarts });
    };
    const onAbort = () => finish(new ExperimentError('CLUSTER_STOPPED', 'estimatorjs-cluster: stopped (interrupted).'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const start = (task: ClusterTask) => {
      const child = spawn(program, args, {
        cwd: options.cwd,
        env: { ...(options.env ?? process.env), TF_CONFIG: task.tfConfig },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      running.set(task.name, child);
      const prefix = `[${task.name.padEnd(width)}] `;
      out(`${prefix}started (pid ${child.pid}) with TF_CONFIG=${task.tfConfig}`);
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => out(prefix + line));
      }
      options.onSpawn?.(task, child, restarts[task.name]!);
      child.on('error', (e) =>
        finish(
          new ExperimentError('CLUSTER_TASK_FAILED', `estimatorjs-cluster: ${task.name} could not start: ${e.message}`),
        ),
      );
      child.on('exit', (code, signal) => {
        running.delete(task.name);
        if (stopping) return;
        if (code === 0) {
          out(`${prefix}exited 0`);
          done.add(task.name);
          // A training task that finished leaves nothing for the evaluator to wait for once all trainers finished.
          return finish();
        }
        const how = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        if (restarts[task.name]! >= maxRestarts) {
          return finish(
            new ExperimentError(
              'CLUSTER_TASK_FAILED',
              `estimatorjs-cluster: ${task.name} ${how} and used its ${maxRestarts} restart(s); stopping the cluster.`,
            ),
          );
        }
        restarts[task.name]! += 1;
        out(`${prefix}${how}; restarting (${restarts[task.name]}/${maxRestarts})`);
        start(task);
      });
    };
    for (const task of tasks) start(task);
  }).finally(() => {
    stopping = true;
    for (const child of running.values()) child.kill('SIGKILL');
  });
}
