/**
 * Estimator: owns the model_fn contract, the model kept in memory between calls, and the three loops
 * (train, evaluate, predict) with their hooks, checkpoints and summaries.
 * Does not own: the input pipeline (@estimatorjs/data), hook behaviour (@estimatorjs/hooks), the event file format
 * (@estimatorjs/summary), or which backend runs the math (the application picks it).
 */

import {
  CheckpointSaverHook,
  type CheckpointSaverListener,
  type FetchedValue,
  type Hook,
  HookList,
  LoggingTensorHook,
  type Mode,
  NanTensorHook,
  type RunContext,
  type SessionContext,
  StepCounterHook,
  StopAtStepHook,
  SummarySaverHook,
} from '@estimatorjs/hooks';
import { EventWriter, MemoryEventSink, type SummaryWriter } from '@estimatorjs/summary';
import * as tf from '@tensorflow/tfjs-core';
import { platform } from '#platform';
import { CheckpointManager } from './checkpoint/checkpoint-manager.js';
import { MemoryStorage, type ModelDirStorage } from './checkpoint/storage.js';
import { DEFAULTS } from './defaults.js';
import { CheckpointError, ConfigError, describe } from './errors.js';
import { type EstimatorSpec, type EvalSpec, type PredictSpec, validateSpec } from './estimator-spec.js';
import { disposeElement, type Features, type InputFn, type Labels, openInput, splitElement } from './internal/input.js';
import { ModelState } from './internal/model-state.js';
import { readValues } from './internal/read-values.js';
import { trainStep } from './internal/train-step.js';
import type { ModelFnContext } from './model-fn-context.js';
import { runInContext, runInContextAsync } from './model-fn-context.js';
import { learningRateAt } from './optimizers.js';
import { RunConfig } from './run-config.js';

/** TF's model_fn: builds the model for one batch and says what to do with it. */
export type ModelFn<P = unknown> = (
  features: Features,
  labels: Labels | undefined,
  mode: Mode,
  params: P,
  config: RunConfig,
) => EstimatorSpec | Promise<EstimatorSpec>;

/** Options of the {@link Estimator} constructor. */
export interface EstimatorOptions<P> {
  readonly modelFn: ModelFn<P>;
  readonly config?: RunConfig;
  /** Passed to the model_fn and input_fns as `params` (TF's `params`; an HParams' `values()` fits). */
  readonly params?: P;
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
  readonly hooks?: readonly Hook[];
}

/** Evaluation results: each metric, the mean loss, and the global step of the evaluated checkpoint. */
export type EvalResults = Record<string, number> & { readonly loss: number; readonly globalStep: number };

/** One prediction: a value, or a dict of values (numbers for scalars, typed arrays otherwise). */
export type Prediction = FetchedValue | Record<string, FetchedValue>;

function checkCount(api: string, name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
    throw new ConfigError('INVALID_ARGUMENT', `${api}: ${name} must be an integer > 0. Received ${String(v)}.`);
  }
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
export class Estimator<P = unknown> {
  readonly modelFn: ModelFn<P>;
  readonly config: RunConfig;
  readonly params: P;
  readonly modelDir: string;
  /** Where checkpoints live (the file system under `modelDir` in Node unless `RunConfig.storage` says otherwise). */
  readonly storage: ModelDirStorage;
  private readonly model: ModelState;
  private readonly log: (line: string) => void;
  private readonly memoryOnly: boolean;

  constructor(options: EstimatorOptions<P>) {
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
    this.memoryOnly = this.config.modelDir === undefined && this.config.storage === undefined;
    this.modelDir = this.config.modelDir ?? `estimator-${Math.random().toString(36).slice(2, 10)}`;
    this.storage =
      this.config.storage ?? (this.memoryOnly ? new MemoryStorage(this.modelDir) : platform.storageFor(this.modelDir));
    this.model = new ModelState(this.storage);
    if (this.memoryOnly)
      this.log(
        `Using a temporary in-memory model directory ${this.storage.location}; pass RunConfig({ modelDir }) to keep checkpoints.`,
      );
  }

  /** The global step of the model in memory (after the last call). */
  get globalStep(): number {
    return this.model.globalStep;
  }

  /** The latest checkpoint prefix in the model directory, or null. */
  latestCheckpoint(): Promise<string | null> {
    return import('./checkpoint/checkpoint-io.js').then((m) => m.latestCheckpoint(this.storage));
  }

  /** Frees the variables and optimizer state held in memory. */
  dispose(): void {
    this.model.dispose();
  }

  /**
   * Trains until the input ends, `steps` more steps ran, or the global step reaches `maxSteps`; then saves a
   * checkpoint. Resumes from the latest checkpoint in the model directory.
   */
  async train(inputFn: InputFn<P>, options: TrainOptions = {}): Promise<this> {
    const api = 'Estimator.train()';
    const { steps, maxSteps } = options;
    checkCount(api, 'steps', steps);
    checkCount(api, 'maxSteps', maxSteps);
    if (steps !== undefined && maxSteps !== undefined) {
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `${api}: pass {steps} or {maxSteps}, not both. Received steps=${steps}, maxSteps=${maxSteps}.`,
      );
    }
    const restored = await this.model.sync();
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
    const every =
      cfg.saveCheckpointsSteps !== undefined
        ? { steps: cfg.saveCheckpointsSteps }
        : { secs: cfg.saveCheckpointsSecs ?? DEFAULTS.saveCheckpointsSecs };
    const manager = new CheckpointManager(this.storage, cfg.keepCheckpointMax);
    const hooks: Hook[] = [
      ...(options.hooks ?? []),
      new NanTensorHook(),
      new LoggingTensorHook({
        tensors: { loss: 'loss', step: 'global_step' },
        every: { steps: cfg.logStepCountSteps },
        log: this.log,
      }),
      new StepCounterHook({ every: { steps: cfg.logStepCountSteps }, log: this.log }),
      new SummarySaverHook({ scalars: ['loss'], every: { steps: cfg.saveSummarySteps } }),
      new CheckpointSaverHook({
        saver: { save: () => this.model.save(manager) },
        every,
        log: this.log,
        listeners: options.savingListeners ?? [],
      }),
    ];
    if (steps !== undefined) hooks.push(new StopAtStepHook({ numSteps: steps }));
    if (maxSteps !== undefined) hooks.push(new StopAtStepHook({ lastStep: maxSteps }));
    const writer = this.writerFor(this.modelDir);
    try {
      await this.trainLoop(api, inputFn, new HookList(hooks), writer);
    } finally {
      await writer.close();
    }
    return this;
  }

  private async trainLoop(api: string, inputFn: InputFn<P>, hooks: HookList, writer: SummaryWriter): Promise<void> {
    const model = this.model;
    const session = (): SessionContext => ({
      mode: 'train',
      globalStep: model.globalStep,
      modelDir: this.modelDir,
      summaryWriter: writer,
    });
    let specHooks: HookList | null = null;
    let input: AsyncIterator<unknown> | null = null;
    try {
      await hooks.begin(session());
      input = await openInput(api, inputFn, this.params);
      await hooks.afterCreateSession(session());
      let stopReason: string | null = null;
      let built = false;
      while (stopReason === null) {
        const next = await input.next();
        if (next.done) {
          this.log(`${api}: the input ended at global step ${model.globalStep}.`);
          break;
        }
        const { features, labels } = splitElement(api, next.value);
        try {
          if (!built) {
            specHooks = await this.buildForTraining(features, labels);
            if (specHooks) {
              await specHooks.begin(session());
              await specHooks.afterCreateSession(session());
            }
            built = true;
          }
          const ctx = this.runContext(
            writer,
            () => stopReason,
            (r) => {
              stopReason ??= r ?? 'stop requested';
            },
          );
          const wanted = await hooks.beforeRun(ctx);
          for (const n of (await specHooks?.beforeRun(ctx)) ?? []) wanted.add(n);
          const mctx = this.modelFnContext('train');
          const out = trainStep(
            model,
            mctx,
            () => this.modelFn(features, labels, 'train', this.params, this.config),
            wanted,
          );
          model.globalStep += 1;
          model.syncedCheckpoint = null;
          const plain = new Map<string, number>([
            ['global_step', model.globalStep],
            ['learning_rate', out.learningRate],
          ]);
          const values = await readValues(out.fetched, plain);
          const after = this.runContext(
            writer,
            () => stopReason,
            (r) => {
              stopReason ??= r ?? 'stop requested';
            },
          );
          await hooks.afterRun(after, values);
          await specHooks?.afterRun(after, values);
        } finally {
          disposeElement(next.value);
        }
      }
      await specHooks?.end(session());
      await hooks.end(session());
      this.log(
        `Loss for final step: training stopped at global step ${model.globalStep}${stopReason ? ` (${stopReason})` : ''}.`,
      );
    } catch (e) {
      await specHooks?.onError(session(), e);
      await hooks.onError(session(), e);
      throw e;
    } finally {
      await input?.return?.();
    }
  }

  /**
   * TF builds the graph before the first step; here the first batch runs through the model_fn once without a tape
   * so every variable and the optimizer exist (and get their checkpoint values) before gradients are taken.
   */
  private async buildForTraining(features: Features, labels: Labels | undefined): Promise<HookList | null> {
    const ctx = this.modelFnContext('train', true);
    let hooks: readonly Hook[] | undefined;
    let optimizerDesc: import('./optimizers.js').Optimizer | undefined;
    tf.tidy(() => {
      const spec = validateSpec(
        runInContext(ctx, () => this.modelFn(features, labels, 'train', this.params, this.config)),
        'train',
      );
      if (spec.mode === 'train') {
        hooks = spec.trainingHooks;
        optimizerDesc = spec.trainOp.optimizer;
      }
    });
    if (optimizerDesc) {
      this.model.optimizerFor(optimizerDesc, learningRateAt(optimizerDesc.learningRate, this.model.globalStep));
      await this.model.applyPendingOptimizer();
    }
    return hooks && hooks.length > 0 ? new HookList(hooks) : null;
  }

  /**
   * Evaluates the latest checkpoint (or `checkpointPath`) on the input: streaming metrics over every batch, the
   * mean loss, written as summaries to `modelDir/eval` at the checkpoint's global step.
   */
  async evaluate(inputFn: InputFn<P>, options: EvaluateOptions = {}): Promise<EvalResults> {
    const api = 'Estimator.evaluate()';
    checkCount(api, 'steps', options.steps);
    if (options.name !== undefined && !/^[\w.-]+$/.test(options.name)) {
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `${api}: name must be letters, digits, '_', '.' or '-'. Received ${JSON.stringify(options.name)}.`,
      );
    }
    await this.requireCheckpoint(api, options.checkpointPath);
    const step = this.model.globalStep;
    const hooks = new HookList(options.hooks ?? []);
    const evalDir = this.evalDir(options.name);
    const writer = this.writerFor(evalDir);
    const totals = new Map<string, tf.Tensor>();
    const resultFns = new Map<string, (t: Record<string, Float32Array>) => number>();
    let lossSum: tf.Tensor = tf.scalar(0);
    let batches = 0;
    let specHooks: HookList | null = null;
    const session = (): SessionContext => ({
      mode: 'eval',
      globalStep: step,
      modelDir: this.modelDir,
      summaryWriter: writer,
    });
    let input: AsyncIterator<unknown> | null = null;
    try {
      await hooks.begin(session());
      input = await openInput(api, inputFn, this.params);
      await hooks.afterCreateSession(session());
      let stop: string | null = null;
      while (stop === null && (options.steps === undefined || batches < options.steps)) {
        const next = await input.next();
        if (next.done) break;
        const { features, labels } = splitElement(api, next.value);
        const ctx = this.runContext(
          writer,
          () => stop,
          (r) => {
            stop ??= r ?? 'stop requested';
          },
          'eval',
          step,
        );
        const wanted = await hooks.beforeRun(ctx);
        const fetched = new Map<string, tf.Tensor>();
        tf.engine().startScope();
        try {
          const mctx = this.modelFnContext('eval');
          const spec = validateSpec(
            await runInContextAsync(mctx, () => this.modelFn(features, labels, 'eval', this.params, this.config)),
            'eval',
          ) as EvalSpec;
          if (!specHooks && spec.evaluationHooks?.length) {
            specHooks = new HookList(spec.evaluationHooks);
            await specHooks.begin(session());
          }
          const newLoss = tf.keep(tf.add(lossSum, spec.loss));
          lossSum.dispose();
          lossSum = newLoss;
          for (const [name, metric] of Object.entries(spec.evalMetricOps ?? {})) {
            resultFns.set(name, metric.result);
            for (const [part, value] of Object.entries(metric.update)) {
              const key = `${name}\u0000${part}`;
              const prev = totals.get(key);
              totals.set(key, tf.keep(prev ? tf.add(prev, value) : tf.clone(value)));
              prev?.dispose();
            }
          }
          for (const n of wanted) {
            const t = n === 'loss' ? spec.loss : mctx.named.get(n);
            if (t) fetched.set(n, tf.keep(tf.clone(t)));
          }
        } finally {
          tf.engine().endScope();
          disposeElement(next.value);
        }
        batches += 1;
        const values = await readValues(fetched, new Map([['global_step', step]]));
        await hooks.afterRun(ctx, values);
      }
      if (batches === 0) {
        throw new ConfigError(
          'EMPTY_INPUT',
          `${api}: the input yielded no batches; expected at least one [features, labels] element.`,
        );
      }
      const results: Record<string, number> = {};
      const byMetric = new Map<string, Record<string, Float32Array>>();
      const keys = [...totals.keys()];
      const data = await Promise.all(keys.map((k) => totals.get(k)!.data()));
      keys.forEach((k, i) => {
        const [name, part] = k.split('\u0000') as [string, string];
        const rec = byMetric.get(name) ?? {};
        rec[part] = data[i] as Float32Array;
        byMetric.set(name, rec);
      });
      for (const [name, fn] of resultFns) results[name] = fn(byMetric.get(name) ?? {});
      results.loss = (await lossSum.data())[0]! / batches;
      results.globalStep = step;
      for (const [k, v] of Object.entries(results)) if (k !== 'globalStep') writer.scalar(k, v, step);
      await specHooks?.end(session());
      await hooks.end(session());
      const summary = Object.entries(results)
        .filter(([k]) => k !== 'globalStep')
        .map(([k, v]) => `${k} = ${Number(v.toPrecision(6))}`)
        .join(', ');
      this.log(`Saving dict for global step ${step}: ${summary}, global_step = ${step}`);
      return results as EvalResults;
    } catch (e) {
      await hooks.onError(session(), e);
      throw e;
    } finally {
      lossSum.dispose();
      tf.dispose([...totals.values()]);
      await input?.return?.();
      await writer.close();
    }
  }

  /**
   * Yields predictions of the latest checkpoint (or `checkpointPath`) for every example of the input
   * (TF's `estimator.predict`). Each value is a number or a typed array; nothing returned holds a tensor.
   */
  async *predict(inputFn: InputFn<P>, options: PredictOptions = {}): AsyncGenerator<Prediction> {
    const api = 'Estimator.predict()';
    await this.requireCheckpoint(api, options.checkpointPath);
    const hooks = new HookList(options.hooks ?? []);
    const session = (): SessionContext => ({
      mode: 'infer',
      globalStep: this.model.globalStep,
      modelDir: this.modelDir,
    });
    let input: AsyncIterator<unknown> | null = null;
    try {
      await hooks.begin(session());
      input = await openInput(api, inputFn, this.params);
      await hooks.afterCreateSession(session());
      for (;;) {
        const next = await input.next();
        if (next.done) break;
        const { features } = splitElement(api, next.value);
        let single = false;
        const outputs = new Map<string, tf.Tensor>();
        tf.engine().startScope();
        try {
          const spec = validateSpec(
            await runInContextAsync(this.modelFnContext('infer'), () =>
              this.modelFn(features, undefined, 'infer', this.params, this.config),
            ),
            'infer',
          ) as PredictSpec;
          const preds = spec.predictions;
          if (preds instanceof tf.Tensor) {
            single = true;
            outputs.set('', tf.keep(tf.clone(preds)));
          } else {
            const keys = options.predictKeys ?? Object.keys(preds);
            for (const k of keys) {
              const t = preds[k];
              if (!t) {
                throw new ConfigError(
                  'INVALID_ARGUMENT',
                  `${api}: predictKeys names ${JSON.stringify(k)}, but the model_fn's predictions have keys ${Object.keys(preds).join(', ')}.`,
                );
              }
              outputs.set(k, tf.keep(tf.clone(t)));
            }
          }
        } catch (e) {
          tf.dispose([...outputs.values()]);
          throw e;
        } finally {
          tf.engine().endScope();
          disposeElement(next.value);
        }
        yield* this.splitPredictions(outputs, single, options.yieldSingleExamples ?? true);
      }
      await hooks.end(session());
    } finally {
      await input?.return?.();
    }
  }

  private async *splitPredictions(
    outputs: Map<string, tf.Tensor>,
    single: boolean,
    perExample: boolean,
  ): AsyncGenerator<Prediction> {
    const entries = [...outputs];
    const shapes = entries.map(([, t]) => t.shape);
    const data = await Promise.all(entries.map(([, t]) => t.data())).finally(() =>
      tf.dispose(entries.map(([, t]) => t)),
    );
    const batch = shapes[0]?.[0] ?? 1;
    for (const [i, s] of shapes.entries()) {
      if (perExample && (s.length === 0 || s[0] !== batch)) {
        throw new ConfigError(
          'INVALID_SPEC',
          `Estimator.predict(): every prediction must have the batch size ${batch} as its first axis to yield single examples; ${entries[i]![0] || 'predictions'} has shape [${s}].`,
        );
      }
    }
    const pick = (d: tf.TypedArray, shape: number[], row: number | null): FetchedValue => {
      if (row === null) return d.length === 1 ? d[0]! : (d as FetchedValue);
      const per = shape.slice(1).reduce((a, b) => a * b, 1);
      const slice = d.slice(row * per, (row + 1) * per) as Float32Array | Int32Array | Uint8Array;
      return per === 1 && shape.length === 1 ? slice[0]! : slice;
    };
    const rows: (number | null)[] = perExample ? Array.from({ length: batch }, (_, r) => r) : [null];
    for (const row of rows) {
      if (single) yield pick(data[0]!, shapes[0]!, row);
      else yield Object.fromEntries(entries.map(([k], i) => [k, pick(data[i]!, shapes[i]!, row)]));
    }
  }

  private async requireCheckpoint(api: string, checkpointPath: string | undefined): Promise<void> {
    const prefix = await this.model.sync(checkpointPath);
    if (prefix === null && this.model.store.variables.size === 0) {
      throw new CheckpointError(
        'NO_CHECKPOINT',
        `${api}: could not find a trained model in ${this.storage.location}: no checkpoint. Train first, or point RunConfig.modelDir at a directory with a 'checkpoint' file.`,
      );
    }
  }

  private evalDir(name: string | undefined): string {
    return platform.joinPath(this.modelDir, name ? `${DEFAULTS.evalDirPrefix}_${name}` : DEFAULTS.evalDirPrefix);
  }

  private writerFor(logdir: string): SummaryWriter {
    if (this.memoryOnly || this.config.storage) return new EventWriter(new MemoryEventSink(), { logdir });
    return platform.summaryWriterFor(logdir);
  }

  private modelFnContext(mode: Mode, building = false): ModelFnContext {
    return {
      store: this.model.store,
      mode,
      building,
      globalStep: this.model.globalStep,
      randomSeed: this.config.randomSeed,
      scopes: [],
      layerCounts: new Map(),
      named: new Map(),
      randomOps: 0,
    };
  }

  private runContext(
    writer: SummaryWriter,
    stopReason: () => string | null,
    requestStop: (reason?: string) => void,
    mode: Mode = 'train',
    step = this.model.globalStep,
  ): RunContext {
    return {
      mode,
      globalStep: step,
      modelDir: this.modelDir,
      summaryWriter: writer,
      requestStop,
      get stopRequested() {
        return stopReason() !== null;
      },
    };
  }
}
