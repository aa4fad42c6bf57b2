import type { ModelDirStorage } from './checkpoint/storage.js';
import { DEFAULTS } from './defaults.js';
import { ConfigError } from './errors.js';
import { KNOWN_OPTIONS } from './internal/known-options.js';
import { checkConfigKeys } from './internal/option-keys.js';
import { type ClusterSpec, parseTfConfig, type TaskType, type TfConfig } from './tf-config.js';
import type { TrainDistribute } from './train-distribute.js';

/** Options of {@link RunConfig}: TF's `tf.estimator.RunConfig` fields in camelCase. */
export interface RunConfigOptions {
  /** Where checkpoints and event files go. A path in Node; a name in the browser. */
  readonly modelDir?: string;
  /** Seeds initializers and dropout: the same seed gives the same run (TF's `tf_random_seed`). */
  readonly randomSeed?: number;
  /** Write the loss summary every N steps (default 100). */
  readonly saveSummarySteps?: number;
  /** Save a checkpoint every N steps; give this or `saveCheckpointsSecs`, not both. */
  readonly saveCheckpointsSteps?: number;
  /** Save a checkpoint every N seconds (default 600 when neither is given). */
  readonly saveCheckpointsSecs?: number;
  /** How many recent checkpoints to keep (default 5; 0 or null keeps all). */
  readonly keepCheckpointMax?: number | null;
  /** Also keep one checkpoint every N hours beyond `keepCheckpointMax` (TF's `keep_checkpoint_every_n_hours`). */
  readonly keepCheckpointEveryNHours?: number;
  /** Log loss and global_step/sec every N steps (default 100). */
  readonly logStepCountSteps?: number;
  /**
   * Save the input pipeline's position with each checkpoint and continue from it on resume (default true), when
   * the input_fn returns a `@estimatorjs/data` Dataset or iterator. Turn off when resuming with different data.
   */
  readonly saveInputState?: boolean;
  /** Where the model directory lives; default: the file system in Node, memory in the browser. */
  readonly storage?: ModelDirStorage;
  /**
   * When `modelDir` holds checkpoints but its `checkpoint` state file is missing, write a new state file naming
   * every checkpoint that loads and resume from the newest (default false: such a directory is an error, so a
   * lost state file never makes training start over and overwrite the checkpoints).
   */
  readonly rebuildCheckpointState?: boolean;
  /**
   * TF_CONFIG (the JSON string or the object): this task's cluster and role, as TF reads the `TF_CONFIG` environment
   * variable. Libraries do not read the environment: in Node, `runConfigFromEnv()` from
   * `@estimatorjs/experiment/node` passes `process.env.TF_CONFIG` here.
   */
  readonly tfConfig?: string | TfConfig;
  /** Synchronous data parallelism across the cluster's replicas (TF's `train_distribute`). */
  readonly trainDistribute?: TrainDistribute;
}

/**
 * Run configuration of an Estimator (TF's `RunConfig`). Immutable; use {@link RunConfig.replace}.
 * @example
 *   const config = new RunConfig({ modelDir: './mnist_training', saveCheckpointsSteps: 100, keepCheckpointMax: 5 });
 */
export class RunConfig {
  readonly modelDir: string | undefined;
  readonly randomSeed: number | undefined;
  readonly saveSummarySteps: number;
  readonly saveCheckpointsSteps: number | undefined;
  readonly saveCheckpointsSecs: number | undefined;
  readonly keepCheckpointMax: number | null;
  readonly keepCheckpointEveryNHours: number | undefined;
  readonly logStepCountSteps: number;
  readonly saveInputState: boolean;
  readonly storage: ModelDirStorage | undefined;
  readonly rebuildCheckpointState: boolean;
  /** TF_CONFIG as given (for `replace()`). */
  readonly tfConfig: string | TfConfig | undefined;
  /** This task's type: `worker` without a cluster, else TF_CONFIG's `task.type`. */
  readonly taskType: TaskType;
  readonly taskId: number;
  /** The chief plus the workers; 1 without a cluster, 0 on the evaluator. */
  readonly numWorkerReplicas: number;
  readonly numPsReplicas: number;
  /** Whether this task writes checkpoints and summaries (the chief, or the only worker without a cluster). */
  readonly isChief: boolean;
  /** The training cluster from TF_CONFIG (empty without one and on the evaluator). */
  readonly clusterSpec: ClusterSpec;
  readonly globalIdInCluster: number | null;
  readonly trainDistribute: TrainDistribute | undefined;

  constructor(options: RunConfigOptions = {}) {
    checkConfigKeys('RunConfig', options, KNOWN_OPTIONS.runConfig);
    const o = options;
    for (const key of [
      'saveSummarySteps',
      'keepCheckpointEveryNHours',
      'saveCheckpointsSteps',
      'saveCheckpointsSecs',
      'logStepCountSteps',
    ] as const) {
      const v = o[key];
      if (v !== undefined && !(Number.isFinite(v) && v > 0)) {
        throw new ConfigError('INVALID_RUN_CONFIG', `RunConfig: ${key} must be a number > 0. Received ${String(v)}.`);
      }
    }
    if (o.saveCheckpointsSteps !== undefined && o.saveCheckpointsSecs !== undefined) {
      throw new ConfigError(
        'INVALID_RUN_CONFIG',
        `RunConfig: pass saveCheckpointsSteps or saveCheckpointsSecs, not both. Received saveCheckpointsSteps=${o.saveCheckpointsSteps}, saveCheckpointsSecs=${o.saveCheckpointsSecs}.`,
      );
    }
    if (o.keepCheckpointMax != null && !(Number.isInteger(o.keepCheckpointMax) && o.keepCheckpointMax >= 0)) {
      throw new ConfigError(
        'INVALID_RUN_CONFIG',
        `RunConfig: keepCheckpointMax must be an integer >= 0 or null. Received ${String(o.keepCheckpointMax)}.`,
      );
    }
    if (o.randomSeed !== undefined && !Number.isInteger(o.randomSeed)) {
      throw new ConfigError(
        'INVALID_RUN_CONFIG',
        `RunConfig: randomSeed must be an integer. Received ${String(o.randomSeed)}.`,
      );
    }
    if (o.modelDir !== undefined && (typeof o.modelDir !== 'string' || o.modelDir === '')) {
      throw new ConfigError(
        'INVALID_RUN_CONFIG',
        `RunConfig: modelDir must be a non-empty string. Received ${JSON.stringify(o.modelDir)}.`,
      );
    }
    this.modelDir = o.modelDir;
    this.randomSeed = o.randomSeed;
    this.saveSummarySteps = o.saveSummarySteps ?? DEFAULTS.saveSummarySteps;
    this.saveCheckpointsSteps = o.saveCheckpointsSteps;
    this.saveCheckpointsSecs =
      o.saveCheckpointsSteps === undefined ? (o.saveCheckpointsSecs ?? DEFAULTS.saveCheckpointsSecs) : undefined;
    this.keepCheckpointMax = o.keepCheckpointMax === undefined ? DEFAULTS.keepCheckpointMax : o.keepCheckpointMax;
    this.keepCheckpointEveryNHours = o.keepCheckpointEveryNHours;
    this.logStepCountSteps = o.logStepCountSteps ?? DEFAULTS.logStepCountSteps;
    this.saveInputState = o.saveInputState ?? true;
    this.storage = o.storage;
    this.rebuildCheckpointState = o.rebuildCheckpointState ?? false;
    const role = parseTfConfig(o.tfConfig);
    this.tfConfig = o.tfConfig;
    this.taskType = role.taskType;
    this.taskId = role.taskId;
    this.numWorkerReplicas = role.numWorkerReplicas;
    this.numPsReplicas = role.numPsReplicas;
    this.isChief = role.isChief;
    this.clusterSpec = role.clusterSpec;
    this.globalIdInCluster = role.globalIdInCluster;
    this.trainDistribute = o.trainDistribute;
  }

  /** A copy with some fields replaced (TF's `RunConfig.replace`). */
  replace(changes: RunConfigOptions): RunConfig {
    const current: RunConfigOptions = {
      modelDir: this.modelDir,
      randomSeed: this.randomSeed,
      saveSummarySteps: this.saveSummarySteps,
      keepCheckpointMax: this.keepCheckpointMax,
      keepCheckpointEveryNHours: this.keepCheckpointEveryNHours,
      saveInputState: this.saveInputState,
      logStepCountSteps: this.logStepCountSteps,
      storage: this.storage,
      rebuildCheckpointState: this.rebuildCheckpointState,
      ...(this.tfConfig !== undefined ? { tfConfig: this.tfConfig } : {}),
      ...(this.trainDistribute !== undefined ? { trainDistribute: this.trainDistribute } : {}),
      ...(changes.saveCheckpointsSecs === undefined && changes.saveCheckpointsSteps === undefined
        ? this.saveCheckpointsSteps !== undefined
          ? { saveCheckpointsSteps: this.saveCheckpointsSteps }
          : { saveCheckpointsSecs: this.saveCheckpointsSecs }
        : {}),
    };
    return new RunConfig({ ...current, ...changes });
  }
}
