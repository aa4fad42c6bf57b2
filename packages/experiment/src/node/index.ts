export { type ClusterArgs, parseClusterArgs } from './cluster-args.js';
export {
  CollectiveAllReduce,
  type CollectiveAllReduceOptions,
  type CollectiveStats,
  replicasOf,
} from './collective-all-reduce.js';
export { fileExportStore } from './file-export-store.js';
export { type KubernetesObject, type KubernetesOptions, renderKubernetes, toYaml } from './kubernetes.js';
export {
  type ClusterTask,
  type LocalClusterOptions,
  type LocalClusterResult,
  localClusterTasks,
  runLocalCluster,
} from './local-cluster.js';
export { readEvalMetrics } from './read-eval-metrics.js';
export {
  type RunConfigFromEnvOptions,
  runConfigFromEnv,
  type TfConfigEnvOptions,
  withTfConfig,
} from './run-config-from-env.js';
