/**
 * `runConfigFromEnv` / `withTfConfig`: the one place that reads `TF_CONFIG` from the environment (libraries never
 * do), as TF's `RunConfig()` does, and adds the gRPC all-reduce when this task is one of several training replicas.
 */
import { RunConfig, type RunConfigOptions } from '@estimatorjs/estimator';
import { CollectiveAllReduce, type CollectiveAllReduceOptions } from './collective-all-reduce.js';

/** Where to read TF_CONFIG and how to build the all-reduce. */
export interface TfConfigEnvOptions {
  /** Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly collective?: Omit<CollectiveAllReduceOptions, 'clusterSpec' | 'taskType' | 'taskId'>;
}

/** Options of {@link runConfigFromEnv}: RunConfig's, plus {@link TfConfigEnvOptions}. */
export interface RunConfigFromEnvOptions extends RunConfigOptions, TfConfigEnvOptions {}

/**
 * A RunConfig with this task's role from `TF_CONFIG` and, on the chief and the workers of a cluster with more than
 * one training replica, a {@link CollectiveAllReduce} as `trainDistribute`.
 * @example
 *   const config = runConfigFromEnv({ modelDir: '/shared/mnist', saveCheckpointsSteps: 100 });
 *   console.log(config.taskType, config.taskId, config.isChief);
 */
export function runConfigFromEnv(options: RunConfigFromEnvOptions = {}): RunConfig {
  const { env, collective, ...rest } = options;
  return withTfConfig(new RunConfig(rest), { ...(env ? { env } : {}), ...(collective ? { collective } : {}) });
}

/**
 * `config` with `TF_CONFIG` from the environment applied (unchanged when TF_CONFIG is unset or empty).
 * @example
 *   import { RunConfig } from '@estimatorjs/estimator';
 *   const config = withTfConfig(new RunConfig({ modelDir: './mnist_training' }));
 */
export function withTfConfig(config: RunConfig, options: TfConfigEnvOptions = {}): RunConfig {
  const tf = (options.env ?? process.env).TF_CONFIG;
  const withRole = tf ? config.replace({ tfConfig: tf }) : config;
  if (withRole.trainDistribute || withRole.numWorkerReplicas <= 1) return withRole;
  if (withRole.taskType !== 'chief' && withRole.taskType !== 'worker') return withRole;
  const trainDistribute = new CollectiveAllReduce({
    ...options.collective,
    clusterSpec: withRole.clusterSpec,
    taskType: withRole.taskType,
    taskId: withRole.taskId,
  });
  return withRole.replace({ trainDistribute });
}
