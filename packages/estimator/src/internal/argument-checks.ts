/**
 * The argument checks of Estimator.train() and evaluate() beyond unknown option keys (option-keys.ts), and whether
 * this task trains at all under its TF_CONFIG role.
 */
import { ConfigError } from '../errors.js';
import type { RunConfig } from '../run-config.js';

export function checkCount(api: string, name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
    throw new ConfigError('INVALID_ARGUMENT', `${api}: ${name} must be an integer > 0. Received ${String(v)}.`);
  }
}

/** `steps` counts from now, `maxSteps` is absolute: each optional, never both. */
export function checkTrainSteps(api: string, steps: number | undefined, maxSteps: number | undefined): void {
  checkCount(api, 'steps', steps);
  checkCount(api, 'maxSteps', maxSteps);
  if (steps !== undefined && maxSteps !== undefined) {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `${api}: pass {steps} or {maxSteps}, not both. Received steps=${steps}, maxSteps=${maxSteps}.`,
    );
  }
}

/** An evaluation's name is part of a directory name (`eval_<name>`). */
export function checkEvalName(api: string, name: string | undefined): void {
  if (name !== undefined && !/^[\w.-]+$/.test(name)) {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `${api}: name must be letters, digits, '_', '.' or '-'. Received ${JSON.stringify(name)}.`,
    );
  }
}

/** TF 1.x's roles: the chief and the workers train; an evaluator or a parameter server does not. */
export function checkTrainingRole(api: string, config: RunConfig): void {
  const { taskType, numWorkerReplicas, trainDistribute } = config;
  if (taskType === 'ps') {
    throw new ConfigError(
      'UNSUPPORTED_TASK_TYPE',
      `${api}: TF_CONFIG names this task "ps"; asynchronous parameter-server training is not implemented. Remove the "ps" job and train with synchronous data parallelism (chief + workers).`,
    );
  }
  if (taskType === 'evaluator') {
    throw new ConfigError(
      'UNSUPPORTED_TASK_TYPE',
      `${api}: TF_CONFIG names this task "evaluator", which does not train; run trainAndEvaluate(), which evaluates each new checkpoint on this task.`,
    );
  }
  if (numWorkerReplicas > 1 && trainDistribute === undefined) {
    throw new ConfigError(
      'NO_TRAIN_DISTRIBUTE',
      `${api}: TF_CONFIG has ${numWorkerReplicas} training replicas but RunConfig has no trainDistribute; in Node create the config with runConfigFromEnv() from '@estimatorjs/experiment/node', which adds the all-reduce.`,
    );
  }
  if (trainDistribute !== undefined && trainDistribute.numReplicas !== Math.max(numWorkerReplicas, 1)) {
    throw new ConfigError(
      'NO_TRAIN_DISTRIBUTE',
      `${api}: trainDistribute has ${trainDistribute.numReplicas} replicas but TF_CONFIG has ${numWorkerReplicas}; build both from the same TF_CONFIG.`,
    );
  }
}
