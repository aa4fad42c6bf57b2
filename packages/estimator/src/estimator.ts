/**
 * Estimator: owns the model_fn contract, the model kept in memory between calls, and wiring the three loops
 * (train, evaluate, predict) to hooks, checkpoints and summary writers.
 * Does not own: the loops themselves (internal/*-loop.ts), the input pipeline (@estimatorjs/data), hook behaviour
 * (@estimatorjs/hooks), the event file format (@estimatorjs/summary), or which backend runs the math.
 */
import { type CheckpointSaverListener, type Hook, HookList, type Mode } from '@estimatorjs/hooks';
import { EventWriter, MemoryEventSink, type SummaryWriter } from '@estimatorjs/summary';
import type * as tf from '@tensorflow/tfjs-core';
import { platform } from '#platform';
import { latestCheckpoint, listVariables, loadVariable } from './checkpoint/checkpoint-io.js';
import { CheckpointManager } from './checkpoint/checkpoint-manager.js';
import { MemoryStorage, type ModelDirStorage } from './checkpoint/storage.js';
import { DEFAULTS } from './defaults.js';
import { CheckpointError, ConfigError, describe } from './errors.js';
import type { Predictions } from './estimator-spec.js';
import type { ServingInputReceiverFn } from './export/serving-input-receiver.js';
import { assertNotTracing, traceModelFn } from './export/trace-model-fn.js';
import type { TracedGraph } from './export/traced-graph.js';
import { checkCount, checkEvalName, checkTrainingRole, checkTrainSteps } from './internal/argument-checks.js';
import { checkpointPrefix } from './internal/checkpoint-path.js';
import { type EvalResults, runEvaluation } from './internal/evaluate-loop.js';
import type { Features, InputFn, Labels, OpenedInput } from './internal/input.js';
import { KNOWN_OPTIONS } from './internal/known-options.js';
import type { LoopDeps } from './internal/loop-deps.js';
import { ModelState } from './internal/model-state.js';
import { checkConfigKeys } from './internal/option-keys.js';
import { type PickedPrediction, type Prediction, type PredictionKey, runPrediction } from './internal/predict-loop.js';
import { trainHooks } from './internal/train-hooks.js';
import { runTrainLoop } from './internal/train-loop.js';
import { valueReadsAreCheap } from './internal/value-reads.js';
import { type WarmStartFrom, warmStart } from './internal/warm-start.js';
import { callModelFn, type ModelFn } from './model-fn.js';
import { type ModelFnContext, runInContextAsync } from './model-fn-context.js';
import { RunConfig } from './run-config.js';

export type { EvalResults, ModelFn, PickedPrediction, Prediction, PredictionKey, WarmStartFrom };

/** Options of the {@link Estimator} constructor. */
export interface EstimatorOptions<
  P,
  F extends Features = Features,
  L extends Labels = Labels,
  Pred extends Predictions = Predictions,
> {
  readonly modelFn: ModelFn<P, F, L, Pred>;
  readonly config?: RunConfig;
  /** Passed to the model_fn and input_fns as `params` (TF's `params`; an HParams' `values()` fits). */
  readonly params?: P;
  /** Initialize a fresh model from another model's checkpoint (TF's `warm_start_from`). */
  readonly warmStartFrom?: WarmStartFrom;
  /** Where log lines go; default `console.log`. */
  readonly log?: (line: string) => void;
}

/** Options of {@link Estimator.train}: `steps` counts from now, `maxSteps` is absolute; not both. */
export interface TrainOptions {
  readonly steps?: number;
  readonly maxSteps?: number;
  readonly hooks?: readonly Hook[];
  /** Called around every checkpoint save (TF's `saving_listeners`), e.g. to evaluate each new checkpoint. */
  readonly savingListeners?: readonly CheckpointSaverListener[];
}

/** Options of {@link Estimator.evaluate}. */
export interface EvaluateOptions {
  /** Evaluate this many batches (default: until the input ends). */
  readonly steps?: number;
  readonly hooks?: readonly Hook[];
  /** A checkpoint prefix such as `model.ckpt-300` (default: the latest). */
  readonly checkpointPath?: string;
  /** Results go to `modelDir/eval_<name>` instead of `modelDir/eval`. */
  readonly name?: string;
}

/** Options of {@link Estimator.predict}. */
export interface PredictOptions {
  /** Only these keys of a dict of predictions. */
  readonly predictKeys?: readonly string[];
  readonly checkpointPath?: string;
  /** Yield one result per example (default) or one per batch. */
  readonly yieldSingleExamples?: boolean;
  /** Run once per batch, before its predictions are yielded; `end` also runs when the consumer stops early. */
  readonly hooks?: readonly Hook[];
}

/**
 * Closes a writer after another error, which must stay the one the caller sees: a full disk fails the checkpoint
 * and the event file flush alike, and the checkpoint's error says more. `close()` is idempotent.
 */
async function closeQuietly(writer: SummaryWriter): Promise<void> {
  await writer.close().catch(() => {});
}

/**
 * TF's `tf.estimator.Estimator`: trains, evaluates and predicts with a model_fn, checkpointing into
 * `config.modelDir` and resuming from it.
 * @example
 *   const estimator = new Estimator({ modelFn, config: new RunConfig({ modelDir: './mnist_training' }), params });
 *   await estimator.train(trainInputFn, { maxSteps: 1000 });
 *   const results = await estimator.evaluate(evalInputFn);
 *   for await (const p of estimator.predict(predictInputFn)) console.log(p);
 */
export class Estimator<
  P = unknown,
  F extends Features = Features,
  L extends Labels = Labels,
  Pred extends Predictions = Predictions,
> {
  readonly modelFn: ModelFn<P, F, L, Pred>;
  readonly config: RunConfig;
  readonly params: P;
  readonly modelDir: string;
  /** Where checkpoints live (the file system under `modelDir` in Node unless `RunConfig.storage` says otherwise). */
  readonly storage: ModelDirStorage;
  private readonly model: ModelState;
  private readonly log: (line: string) => void;
  private readonly memoryOnly: boolean;
  private readonly warmStartFrom: WarmStartFrom | undefined;
  private warmStarted = false;
  private trainInput: OpenedInput | null = null;

  constructor(options: EstimatorOptions<P, F, L, Pred>) {
    const dirKey = Object.keys(options ?? {}).find((k) => k === 'modelDir' || k === 'model_dir');
    if (dirKey !== undefined) {
      throw new ConfigError(
        'UNKNOWN_OPTION',
        `new Estimator(): unknown option ${JSON.stringify(dirKey)}; the model directory goes in the RunConfig: new Estimator({ modelFn, config: new RunConfig({ modelDir }) }).`,
      );
    }
    checkConfigKeys('new Estimator()', options, KNOWN_OPTIONS.estimator);
    if (typeof options?.modelFn !== 'function') {
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `new Estimator(): modelFn must be a function (features, labels, mode, params, config) => EstimatorSpec. Received ${describe(options?.modelFn)}.`,
      );
    }
    if (options.config !== undefined && !(options.config instanceof RunConfig)) {
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `new Estimator(): config must be a RunConfig (new RunConfig({...})). Received ${describe(options.config)}.`,
      );
    }
    this.modelFn = options.modelFn;
    this.config = options.config ?? new RunConfig();
    this.params = options.params ?? ({} as P);
    this.log = options.log ?? ((line) => console.log(line));
    this.warmStartFrom = options.warmStartFrom;
    this.memoryOnly = this.config.modelDir === undefined && this.config.storage === undefined;
    this.modelDir = this.config.modelDir ?? `estimator-${Math.random().toString(36).slice(2, 10)}`;
    this.storage =
      this.config.storage ?? (this.memoryOnly ? new MemoryStorage(this.modelDir) : platform.storageFor(this.modelDir));
    this.model = new ModelState(this.storage, {
      rebuildCheckpointState: this.config.rebuildCheckpointState,
      log: this.log,
    });
    if (this.memoryOnly) {
      this.log(
        `Using a temporary in-memory model directory ${this.storage.location}; pass RunConfig({ modelDir }) to keep checkpoints.`,
      );
    }
  }

  /** The global step of the model in memory (after the last call). */
  get globalStep(): number {
    return this.model.globalStep;
  }

  /**
   * The path of the latest checkpoint (`<modelDir>/model.ckpt-300`, TF's `latest_checkpoint`), or null. The
   * `checkpointPath` option of evaluate/predict/export accepts it back.
   */
  async latestCheckpoint(): Promise<string | null> {
    const prefix = await latestCheckpoint(this.storage);
    return prefix === null ? null : platform.joinPath(this.modelDir, prefix);
  }

  /** The names of the variables in the latest checkpoint (TF's `get_variable_names`), model and optimizer. */
  async getVariableNames(): Promise<string[]> {
    const prefix = await this.requireCheckpoint('Estimator.getVariableNames()');
    return (await listVariables(this.storage, prefix)).map(([name]) => name);
  }

  /** The value of a variable in the latest checkpoint (TF's `get_variable_value`). The caller owns the tensor. */
  async getVariableValue(name: string): Promise<tf.Tensor> {
    const api = 'Estimator.getVariableValue()';
    const prefix = await this.requireCheckpoint(api);
    const names = (await listVariables(this.storage, prefix)).map(([n]) => n);
    if (!names.includes(name)) {
      throw new ConfigError(
        'UNKNOWN_VARIABLE',
        `${api}: ${JSON.stringify(name)} is not in checkpoint ${prefix}. Its variables: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.`,
      );
    }
    return loadVariable(this.storage, prefix, name);
  }

  /**
   * Restores the latest checkpoint (or `checkpointPath`) and traces the model_fn in PREDICT mode on the receiver's
   * placeholders into a framework-neutral graph (what `@estimatorjs/export` writes). Used by `exportSavedModel()`.
   */
  async traceForExport(
    servingInputReceiverFn: ServingInputReceiverFn,
    options: { readonly checkpointPath?: string } = {},
  ): Promise<TracedGraph> {
    const api = 'exportSavedModel()';
    assertNotTracing();
    await this.requireModel(api, options.checkpointPath);
    const prefix = this.model.syncedCheckpoint;
    if (prefix === null) {
      throw new CheckpointError(
        'NO_CHECKPOINT',
        `${api}: the model in memory was never saved to ${this.storage.location}; export needs a checkpoint. Train first (train() saves one at its end).`,
      );
    }
    return traceModelFn(
      {
        variables: () => this.model.store.variables,
        callModelFn: (features) =>
          runInContextAsync(this.modelFnContext('infer', {}), () =>
            callModelFn(this.modelFn, features, undefined, 'infer', this.params, this.config),
          ),
        globalStep: this.model.globalStep,
        checkpointPath: platform.joinPath(this.modelDir, prefix),
      },
      servingInputReceiverFn,
    );
  }

  private async requireCheckpoint(api: string): Promise<string> {
    const prefix = await latestCheckpoint(this.storage);
    if (prefix === null) {
      throw new CheckpointError('NO_CHECKPOINT', `${api}: no checkpoint in ${this.storage.location}. Train first.`);
    }
    return prefix;
  }

  /** Frees the variables and optimizer state held in memory. */
  dispose(): void {
    this.model.dispose();
  }

  /**
   * Trains until the input ends, `steps` more steps ran, or the global step reaches `maxSteps`; then saves a
   * checkpoint. Resumes from the latest checkpoint in the model directory (and the input from its saved position).
   */
  async train(inputFn: InputFn<P, F, L>, options: TrainOptions = {}): Promise<this> {
    const api = 'Estimator.train()';
    checkConfigKeys(api, options, KNOWN_OPTIONS.train);
    checkTrainSteps(api, options.steps, options.maxSteps);
    checkTrainingRole(api, this.config);
    // One trainer per model directory (TF relies on the cluster for this): the lock is held until train() returns.
    // In a cluster the chief holds it; the workers share the directory read-only.
    const unlock = this.memoryOnly || !this.config.isChief ? undefined : await this.storage.lockForTraining?.(api);
    let failure: unknown;
    try {
      return await this.trainLocked(api, inputFn, options);
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      await unlock?.();
      // The train loop ends the strategy itself; this covers a train() that failed or skipped before the loop.
      await this.config.trainDistribute?.end(failure);
    }
  }

  private async trainLocked(api: string, inputFn: InputFn<P, F, L>, options: TrainOptions): Promise<this> {
    const { steps, maxSteps } = options;
    await this.config.trainDistribute?.connect?.();
    const restored = await this.prepare(undefined, api);
    const startStep = this.model.globalStep;
    if (maxSteps !== undefined && startStep >= maxSteps) {
      this.log(`Skipping training: the global step ${startStep} has already reached maxSteps ${maxSteps}.`);
      return this;
    }
    this.log(
      restored
        ? `Restored ${restored}; resuming training from global step ${startStep}.`
        : `Starting training from global step ${startStep} (no checkpoint in ${this.storage.location}).`,
    );
    const cfg = this.config;
    const manager = new CheckpointManager(this.storage, {
      keepMax: cfg.keepCheckpointMax,
      keepEveryNHours: cfg.keepCheckpointEveryNHours,
    });
    // Only the chief writes checkpoints and summaries (TF 1.x): a worker trains the same weights in sync and keeps
    // its event stream in memory.
    const chief = cfg.isChief;
    const writer = chief
      ? this.writerFor(this.modelDir)
      : new EventWriter(new MemoryEventSink(), { logdir: this.modelDir });
    const save = async () => {
      const inputState = cfg.saveInputState ? this.trainInput?.stateful?.saveState() : undefined;
      const prefix = await this.model.save(manager, inputState === undefined ? undefined : { inputState });
      // An event file that stopped being written (a full disk) surfaces here, with the checkpoint safe, not at
      // close() hours later.
      await writer.flush();
      return prefix;
    };
    const hooks = trainHooks({
      config: cfg,
      log: this.log,
      save,
      hooks: options.hooks,
      savingListeners: options.savingListeners,
      steps,
      maxSteps,
    });
    // As TF's Supervisor does on every session start: TensorBoard drops events past this step that a crashed run
    // wrote after its last checkpoint, so replayed steps are not drawn twice.
    writer.sessionLog?.('start', startStep, restored ? { checkpointPath: restored } : {});
    let failed = false;
    try {
      await runTrainLoop(
        {
          ...this.loopDeps(),
          onInputOpened: (input) => (this.trainInput = input),
          stopAtStep: maxSteps ?? (steps === undefined ? undefined : startStep + steps),
        },
        inputFn,
        new HookList(hooks),
        writer,
      );
    } catch (e) {
      failed = true;
      await closeQuietly(writer);
      throw e;
    } finally {
      this.trainInput = null;
      // After an error, the first error is the one reported (close() would re-throw the writer's own failure).
      if (!failed) await writer.close();
    }
    return this;
  }

  /**
   * Evaluates the latest checkpoint (or `checkpointPath`) on the input: streaming metrics over every batch, the
   * mean loss, written as summaries to `modelDir/eval` at the checkpoint's global step.
   */
  async evaluate(inputFn: InputFn<P, F, L>, options: EvaluateOptions = {}): Promise<EvalResults> {
    const api = 'Estimator.evaluate()';
    checkConfigKeys(api, options, KNOWN_OPTIONS.evaluate);
    checkCount(api, 'steps', options.steps);
    checkEvalName(api, options.name);
    await this.requireModel(api, options.checkpointPath);
    const writer = this.writerFor(
      platform.joinPath(
        this.modelDir,
        options.name ? `${DEFAULTS.evalDirPrefix}_${options.name}` : DEFAULTS.evalDirPrefix,
      ),
    );
    let results: EvalResults;
    try {
      results = await runEvaluation(this.loopDeps(), inputFn, options, writer);
    } catch (e) {
      await closeQuietly(writer);
      throw e;
    }
    await writer.close();
    return results;
  }

  /**
   * Yields predictions of the latest checkpoint (or `checkpointPath`) for every example of the input
   * (TF's `estimator.predict`). Each value is a number or a typed array; nothing returned holds a tensor. Typed from
   * the model_fn's PREDICT `predictions`; with `predictKeys`, each value has just those keys.
   */
  predict<const K extends PredictionKey<Pred>>(
    inputFn: InputFn<P, F, L>,
    options: PredictOptions & { readonly predictKeys: readonly K[] },
  ): AsyncGenerator<PickedPrediction<Pred, K>>;
  predict(
    inputFn: InputFn<P, F, L>,
    options?: PredictOptions & { readonly predictKeys?: undefined },
  ): AsyncGenerator<Prediction<Pred>>;
  async *predict(inputFn: InputFn<P, F, L>, options: PredictOptions = {}): AsyncGenerator<Prediction> {
    checkConfigKeys('Estimator.predict()', options, KNOWN_OPTIONS.predict);
    await this.requireModel('Estimator.predict()', options.checkpointPath);
    yield* runPrediction(this.loopDeps(), inputFn, options);
  }

  /** Syncs memory with the newest checkpoint; warm-starts a fresh model once. Returns the restored prefix or null. */
  private async prepare(checkpointPath?: string, api?: string): Promise<string | null> {
    const prefix = checkpointPrefix(api ?? 'Estimator', this.modelDir, checkpointPath, platform.joinPath);
    const restored = await this.model.sync(prefix, api);
    if (
      restored === null &&
      this.warmStartFrom !== undefined &&
      !this.warmStarted &&
      this.model.store.variables.size === 0
    ) {
      const names = await warmStart(this.model.store, this.warmStartFrom, (dir) => platform.storageFor(dir));
      this.warmStarted = true;
      this.log(
        `Warm-started ${names.length} variables from ${typeof this.warmStartFrom === 'string' ? this.warmStartFrom : this.warmStartFrom.ckptToInitializeFrom}.`,
      );
    }
    return restored;
  }

  private async requireModel(api: string, checkpointPath: string | undefined): Promise<void> {
    const prefix = await this.prepare(checkpointPath, api);
    if (prefix === null && this.model.store.variables.size === 0 && this.model.store.pending.size === 0) {
      throw new CheckpointError(
        'NO_CHECKPOINT',
        `${api}: could not find a trained model in ${this.storage.location}: no checkpoint. Train first, or point RunConfig.modelDir at a directory with a 'checkpoint' file.`,
      );
    }
  }

  /**
   * Event files go beside the checkpoints: where the storage says (files, IndexedDB), the platform's default for a
   * default storage, and memory for an in-memory model directory or a storage that names no place.
   */
  private writerFor(logdir: string): SummaryWriter {
    if (this.memoryOnly) return new EventWriter(new MemoryEventSink(), { logdir });
    if (this.storage.summaryWriterFor) return this.storage.summaryWriterFor(logdir);
    if (this.config.storage === undefined) return platform.summaryWriterFor(logdir);
    return new EventWriter(new MemoryEventSink(), { logdir });
  }

  private loopDeps(): LoopDeps<P> {
    return {
      model: this.model,
      modelDir: this.modelDir,
      config: this.config,
      params: this.params,
      log: this.log,
      callModelFn: (features, labels, mode) =>
        callModelFn(this.modelFn, features, labels, mode, this.params, this.config),
      newContext: (mode, o = {}) => this.modelFnContext(mode, o),
    };
  }

  private modelFnContext(
    mode: Mode,
    o: { building?: boolean; checkValues?: boolean; summaries?: boolean; trace?: boolean },
  ): ModelFnContext {
    return {
      store: this.model.store,
      mode,
      building: o.building ?? false,
      checkValues: (o.checkValues ?? o.building ?? false) || valueReadsAreCheap(),
      globalStep: this.model.globalStep,
      randomSeed: this.config.randomSeed,
      scopes: [],
      layerCounts: new Map(),
      named: new Map(),
      checks: [],
      summaries: o.summaries ? new Map() : null,
      scopeTrace: o.trace ? [] : null,
      randomOps: 0,
    };
  }
}
