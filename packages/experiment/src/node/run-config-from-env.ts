/**
 * `runConfigFromEnv`: the one place that reads `TF_CONFIG` from the environment (libraries never do), as TF's
 * `RunConfig()` does, and adds the gRPC all-reduce when this task is one of several training replicas.
 */
import { RunConfig, type RunConfigOptions } from '@estimatorjs/estimator';
import { CollectiveAllReduce, type CollectiveAllReduceOptions } from './collective-all-reduce.js';

/** Options of {@link runConfigFromEnv}: RunConfig's, plus where to read TF_CONFIG and the all-reduce's timeouts. */
export interface RunConfigFromEnvOptions extends RunConfigOptions {
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly collective?: Omit<CollectiveAllReduceOptions, 'clusterSpec' | 'taskType' | 'taskId'>;
}

/**
 * A RunConfig with this task's role from `TF_CONFIG` and, on the chief and the workers of a cluster with more than
 * one training replica, a {@link CollectiveAllReduce} as `trainDistribute`.
 * @example
 *   const config = runConfigFromEnv({ modelDir: '/shared/mnist', saveCheckpointsSteps: 100 });
 *   console.log(config.taskType, config.taskId, config.isChief);
 */
export function runConfigFromEnv(options: RunConfigFromEnvOptions = {}): RunConfig {
  const { env = process.env, collective, ...rest } = options;
  const config = new RunConfig({ ...rest, ...(env.TF_CONFIG ? { tfConfig: env.TF_CONFIG } : {}) });
  if (rest.trainDistribute || config.numWorkerReplicas <= 1) return config;
  if (config.taskType !== 'chief' && config.taskType !== 'worker') return config;
  const trainDistribute = new CollectiveAllReduce({
    ...collective,
    clusterSpec: config.clusterSpec,
    taskType: config.taskType,
    taskId: config.taskId,
  });
  return config.replace({ trainDistribute });
}
