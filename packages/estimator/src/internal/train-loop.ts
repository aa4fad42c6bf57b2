/**
 * The training loop of `Estimator.train()`. Owns: the order of hook calls around each step, the first-batch build
 * pass, restoring the input position, and writing the step's summaries. Does not own: the step's math
 * (train-step.ts), checkpoint files (model-state.ts), or hook behaviour.
 */

import {
  EveryN,
  type FetchedValue,
  formatValue,
  type Hook,
  HookList,
  type RunContext,
  type SessionContext,
} from '@estimatorjs/hooks';
import { experimental_graphFromKernels, formatHParams, HPARAMS_TAG, type SummaryWriter } from '@estimatorjs/summary';
import * as tf from '@tensorflow/tfjs-core';
import { validateSpec } from '../estimator-spec.js';
import { runInContext } from '../model-fn-context.js';
import { optimizersOf } from '../optimizers/train-op.js';
import type { Optimizer } from '../optimizers.js';
import { learningRateAt } from '../optimizers.js';
import type { TrainDistribute } from '../train-distribute.js';
import { GradientVectorReader } from './gradient-vector-reader.js';
import {
  disposeElement,
  type Features,
  type InputFn,
  type Labels,
  type OpenedInput,
  openInput,
  splitElement,
} from './input.js';
import type { LoopDeps } from './loop-deps.js';
import type { ModelState } from './model-state.js';
import { readValues } from './read-values.js';
import { StepContext, StopFlag } from './step-context.js';
import { type GradientReducer, type StepOutput, trainStep } from './train-step.js';
import { settleChecks } from './value-checks.js';

/** What the loop needs from its Estimator. */
export interface TrainLoopDeps<P> extends LoopDeps<P> {
  /** Called with the opened input so checkpoints can save its position. */
  readonly onInputOpened: (input: OpenedInput) => void;
  /** The global step the caller asked to stop at (`steps` or `maxSteps`), for hooks that show progress. */
  readonly stopAtStep?: number;
}

/** Runs training until a hook stops it or the input ends. */
export async function runTrainLoop<P>(
  deps: TrainLoopDeps<P>,
  inputFn: InputFn<P>,
  hooks: HookList,
  writer: SummaryWriter,
): Promise<void> {
  const { model, log } = deps;
  const api = 'Estimator.train()';
  let lastValues: ReadonlyMap<string, FetchedValue> = new Map();
  const session = (): SessionContext => ({
    mode: 'train',
    globalStep: model.globalStep,
    modelDir: deps.modelDir,
    summaryWriter: writer,
    stopAtStep: deps.stopAtStep,
    lastValues: Object.fromEntries(lastValues),
  });
  const stop = new StopFlag();
  const runContext = (): RunContext =>
    new StepContext('train', model.globalStep, deps.modelDir, writer, lastValues, stop, deps.stopAtStep);
  const summaryTimer = new EveryN({ steps: deps.config.saveSummarySteps });
  let specHooks: HookList | null = null;
  let opened: OpenedInput | null = null;
  // The last step's loss stays on the device until training ends, so the final log line costs one read, not one
  // per step (TF's "Loss for final step: 0.0123."); a step whose hooks fetched the loss has it in lastValues.
  let finalLoss: tf.Scalar | null = null;
  const distribute = deps.config.trainDistribute;
  const reduce: GradientReducer | undefined = distribute
    ? {
        mean: (values) => distribute.allReduceMean(values, model.globalStep),
        reader: new GradientVectorReader(),
        ...(distribute.beginAllReduce
          ? { begin: (numValues: number) => distribute.beginAllReduce!(numValues, model.globalStep) }
          : {}),
      }
    : undefined;
  let failure: unknown;
  try {
    await hooks.begin(session());
    // The run's hyperparameters, once per train(): TensorBoard's Text tab and the board's run table show them.
    const hparams = formatHParams(deps.params);
    if (hparams !== undefined) writer.text(HPARAMS_TAG, hparams, model.globalStep);
    opened = await openInput(
      api,
      distribute ? shardedInputFn(inputFn, distribute, log) : inputFn,
      deps.params,
      deps.config.randomSeed,
    );
    deps.onInputOpened(opened);
    await hooks.afterCreateSession(session());
    await restoreInputPosition(model, opened, deps.config.saveInputState, log);
    let built = false;
    let graphWritten = false;
    while (stop.reason === null) {
      const next = await opened.iterator.next();
      if (next.done) {
        log(`${api}: the input ended at global step ${model.globalStep}.`);
        break;
      }
      const { features, labels } = splitElement(api, next.value, true);
      let out: StepOutput | null = null;
      try {
        const ctx = runContext();
        // The caller's hooks run first, before the build pass too: what a FeedFnHook feeds (or a waiter waits for)
        // must hold for every model_fn call of the step, as a TF feed holds for the whole session.run.
        const wanted = await hooks.beforeRun(ctx);
        if (!built) {
          specHooks = await buildForTraining(deps, features, labels);
          if (specHooks) {
            await specHooks.begin(session());
            await specHooks.afterCreateSession(session());
          }
          built = true;
          // Every replica restored the same checkpoint and built the same model before the first exchange.
          if (distribute) {
            await distribute.start({
              globalStep: model.globalStep,
              numValues: trainableSize(model),
              weightsDigest: await weightsDigest(model),
            });
          }
        }
        for (const n of (await specHooks?.beforeRun(ctx)) ?? []) wanted.add(n);
        const summarize = summaryTimer.shouldTrigger(model.globalStep);
        const trace = !graphWritten && typeof writer.graph === 'function';
        out = await trainStep(
          model,
          deps.newContext('train', { summaries: summarize, trace }),
          () => deps.callModelFn(features, labels, 'train'),
          wanted,
          reduce,
        );
        model.globalStep += 1;
        model.syncedCheckpoint = null;
        if (summarize) {
          summaryTimer.markTriggered(model.globalStep - 1);
          await writeStepSummaries(writer, model, out);
        }
        if (out.graph) {
          writer.graph(experimental_graphFromKernels(out.graph), model.globalStep);
          graphWritten = true;
        }
        const plain = new Map<string, number>([
          ['global_step', model.globalStep],
          ['learning_rate', out.learningRate],
        ]);
        const [values] = await Promise.all([
          readValues(out.fetched, plain),
          settleChecks(out.checks, model.globalStep),
        ]);
        lastValues = values;
        const after = runContext();
        await hooks.afterRun(after, values);
        await specHooks?.afterRun(after, values);
      } finally {
        disposeElement(next.value);
        if (out) {
          finalLoss?.dispose();
          finalLoss = out.loss;
          tf.dispose([
            ...out.fetched.values(),
            ...out.summaries.map((s) => s.tensor),
            ...(out.globalNorm ? [out.globalNorm] : []),
          ]);
        }
      }
    }
    await specHooks?.end(session());
    await hooks.end(session());
    const loss = finalLoss ? (await finalLoss.data())[0] : lastValues.get('loss');
    log(
      `Loss for final step: ${loss === undefined ? 'none (no step ran)' : formatValue(loss)}; training stopped at global step ${model.globalStep}${stop.reason ? ` (${stop.reason})` : ''}.`,
    );
  } catch (e) {
    failure = e;
    await specHooks?.onError(session(), e);
    await hooks.onError(session(), e);
    throw e;
  } finally {
    finalLoss?.dispose();
    await opened?.iterator.return?.();
    if (distribute) {
      const endError =
        failure ?? (stop.reason === null ? `its input ended at global step ${model.globalStep}` : undefined);
      await distribute.end(endError);
    }
  }
}

/** A position-weighted sum of every trainable value, in float64: equal on replicas that hold the same weights. */
async function weightsDigest(model: ModelState): Promise<number> {
  let digest = 0;
  for (const v of model.store.trainable()) {
    const values = await v.data();
    for (let i = 0; i < values.length; i++) digest += Number(values[i]) * (1 + (i % 7));
  }
  return digest;
}

function trainableSize(model: ModelState): number {
  return model.store.trainable().reduce((n, v) => n + v.size, 0);
}

/**
 * TF's auto-sharding: a Dataset from the input_fn becomes `dataset.shard(numReplicas, replicaIndex)`, so each replica
 * trains on its own part (batch-level when the input_fn batches: replica i gets batches i, i+N, …).
 */
function shardedInputFn<P>(inputFn: InputFn<P>, distribute: TrainDistribute, log: (line: string) => void): InputFn<P> {
  if (distribute.numReplicas <= 1 || distribute.autoShard === false) return inputFn;
  return async (params: P) => {
    const input = await inputFn(params);
    const shard = (input as { shard?: unknown }).shard;
    if (typeof shard === 'function') {
      return shard.call(input, distribute.numReplicas, distribute.replicaIndex) as typeof input;
    }
    log(
      `Estimator.train(): the input_fn did not return a Dataset, so it is not sharded across the ${distribute.numReplicas} replicas; shard it yourself (dataset.shard(numReplicas, replicaIndex)) and pass autoShard: false.`,
    );
    return input;
  };
}

/** Moves the input to where the restored checkpoint left it, when both sides support it. */
async function restoreInputPosition(
  model: ModelState,
  opened: OpenedInput,
  enabled: boolean,
  log: (line: string) => void,
): Promise<void> {
  const state = model.restoredInputState;
  if (!enabled || !state || !opened.stateful) return;
  await opened.stateful.restoreState(state);
  const position = (state as { position?: number }).position;
  log(`Restored the input pipeline position${typeof position === 'number' ? ` (${position} elements in)` : ''}.`);
}

/** Learning rate, gradient norm, one histogram per trainable variable, and the model_fn's own summaries. */
async function writeStepSummaries(writer: SummaryWriter, model: ModelState, out: StepOutput): Promise<void> {
  const step = model.globalStep;
  writer.scalar('learning_rate', out.learningRate, step);
  if (out.globalNorm) writer.scalar('global_norm/gradient_norm', (await out.globalNorm.data())[0]!, step);
  for (const [name, v] of model.store.variables) if (v.trainable) writer.histogram(name, v, step);
  for (const s of out.summaries) {
    if (s.kind === 'scalar') writer.scalar(s.name, (await s.tensor.data())[0]!, step);
    else if (s.kind === 'histogram') writer.histogram(s.name, s.tensor, step);
    else writer.image(s.name, s.tensor, step, { maxOutputs: s.maxOutputs ?? 3 });
  }
}

/**
 * TF builds the graph before the first step; here the first batch runs through the model_fn once without a tape
 * so every variable and the optimizer exist (and get their checkpoint values) before gradients are taken.
 */
async function buildForTraining<P>(
  deps: TrainLoopDeps<P>,
  features: Features,
  labels: Labels | undefined,
): Promise<HookList | null> {
  const ctx = deps.newContext('train', { building: true });
  let hooks: readonly Hook[] | undefined;
  let optimizers: Optimizer[] = [];
  tf.tidy(() => {
    const spec = validateSpec(
      runInContext(ctx, () => deps.callModelFn(features, labels, 'train')),
      'train',
    );
    if (spec.mode === 'train') {
      hooks = spec.trainingHooks;
      optimizers = optimizersOf(spec.trainOp);
    }
  });
  deps.model.store.checkAllRestored('Estimator.train()');
  for (const [index, optimizer] of optimizers.entries()) {
    deps.model.optimizerFor(optimizer, learningRateAt(optimizer.learningRate, deps.model.globalStep), index);
  }
  if (optimizers.length > 0) await deps.model.applyPendingOptimizer();
  return hooks && hooks.length > 0 ? new HookList(hooks) : null;
}
