import type { TracedKernel } from '@estimatorjs/summary';
import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { TrainEstimatorSpec } from '../estimator-spec.js';
import { validateSpec } from '../estimator-spec.js';
import type { ValueCheck } from '../model-fn-context.js';
import { type ModelFnContext, runInContext } from '../model-fn-context.js';
import type { ModelSummary } from '../model-summaries.js';
import { SlotOptimizer } from '../optimizers/slot-optimizer.js';
import { type ApplyGradientsOp, gradientsFor, leafOps, type MinimizeOp } from '../optimizers/train-op.js';
import { learningRateAt } from '../optimizers.js';
import type { GradientExchange } from '../train-distribute.js';
import { engineState, onVariablesOnlyTape } from './engine-state.js';
import type { GradientVectorReader } from './gradient-vector-reader.js';
import type { ModelState } from './model-state.js';
import { type FinalGradients, releasingGradients } from './release-gradients.js';
import { type StreamedStep, streamGradients, type Update } from './streamed-gradients.js';
import { keepChecks } from './value-checks.js';

/** What one training step leaves for the loop; every tensor here is owned by the caller. */
export interface StepOutput {
  readonly fetched: Map<string, tf.Tensor>;
  readonly learningRate: number;
  /** The global L2 norm of the gradients, when summaries were captured. */
  readonly globalNorm: tf.Tensor | null;
  readonly summaries: ModelSummary[];
  /** The kernels of this step with their variable scopes, when the graph was captured. */
  readonly graph: TracedKernel[] | null;
  /** Deferred value checks (labels in range, …) to settle with the step's values. */
  readonly checks: ValueCheck[];
  /** The step's loss when no hook fetched it (then it is `fetched.get('loss')`), for the final log line. */
  readonly loss: tf.Scalar | null;
}

interface TapeNode {
  kernelName: string;
  inputs: Record<string, tf.Tensor | null | undefined>;
  outputs: tf.Tensor[];
}

/** How a step averages its gradients across replicas (the train loop's view of a `TrainDistribute`). */
export interface GradientReducer {
  /** The mean of the whole flat vector, after the backward pass. */
  mean(values: Float32Array): Promise<Float32Array>;
  /** Reads that vector out of the backend, into one array kept from step to step where the backend can. */
  readonly reader: GradientVectorReader;
  /** When present: an exchange fed while the backward pass runs (see `TrainDistribute.beginAllReduce`). */
  begin?: (numValues: number) => GradientExchange;
}

/**
 * One training step: runs the model_fn under a gradient tape, clips and applies the gradients with the spec's
 * optimizer, and keeps only the tensors the hooks asked for (plus summaries and the kernel trace when asked).
 * Without `reduce` everything between the tape's start and the optimizer update stays in one tidy scope; with it
 * (synchronous data parallelism) the gradients are kept across the await of the all-reduce and freed after. With
 * `reduce.begin` the gradients' values go to the exchange while the backward pass runs (streamed-gradients.ts lays
 * them out), and the averaged gradients are built from its mean.
 */
export async function trainStep(
  model: ModelState,
  ctx: ModelFnContext,
  callModelFn: () => unknown,
  wanted: ReadonlySet<string>,
  reduce?: GradientReducer,
): Promise<StepOutput> {
  const fetched = new Map<string, tf.Tensor>();
  const summaries: ModelSummary[] = [];
  let graph: TracedKernel[] | null = null;
  let checks: ValueCheck[] = [];
  const vars = model.store.trainable();
  if (vars.length === 0) {
    throw new ModelFnError(
      'NO_TRAINABLE_VARIABLES',
      'Estimator.train(): the model_fn created no trainable variables; use getVariable() or layers such as dense().',
    );
  }
  let learningRate = 0;
  let globalNorm: tf.Tensor | null = null;
  // The step's loss for the final log line when no hook fetched it (then it is fetched.get('loss')).
  let loss: tf.Scalar | null = null;
  let updates: Update[] = [];
  try {
    if (reduce?.begin) {
      // Overlapped: each gradient's values leave for the exchange as soon as the backward pass made them final; the
      // gradient tensors themselves are not needed after it (the averaged ones are built from the mean).
      const begin = reduce.begin;
      let streamed: StreamedStep | null = null;
      tf.tidy(() => {
        streamed = computeStreamed(begin);
      });
      updates = await (streamed as unknown as StreamedStep).averaged();
      tf.tidy(() => applyUpdates(updates));
      tf.dispose(updates.flatMap((u) => Object.values(u.grads)));
      updates = [];
    } else if (reduce) {
      // Synchronous data parallelism: the gradients leave the tidy scope, are averaged across replicas (an await on
      // the network), and come back as new tensors that every replica applies alike.
      tf.tidy(() => {
        updates = computeUpdates().map((u) => ({ op: u.op, grads: keepAll(u.grads) }));
      });
      const averaged = await averageGradients(updates, reduce);
      tf.dispose(updates.flatMap((u) => Object.values(u.grads)));
      updates = averaged;
      tf.tidy(() => applyUpdates(updates));
      tf.dispose(updates.flatMap((u) => Object.values(u.grads)));
      updates = [];
    } else {
      tf.tidy(() => applyUpdates(computeUpdates()));
    }
  } catch (e) {
    tf.dispose(updates.flatMap((u) => Object.values(u.grads)));
    // What was kept for the loop is ours to free when the step fails after keeping it (e.g. no gradients).
    tf.dispose([...fetched.values(), ...summaries.map((s) => s.tensor), ...checks.flatMap((c) => [c.value, c.detail])]);
    if (loss) tf.dispose(loss);
    if (globalNorm) tf.dispose(globalNorm);
    throw e;
  }
  return { fetched, learningRate, globalNorm, summaries, graph, checks, loss };

  function computeUpdates(): Update[] {
    // The model_fn and every gradient the train op needs come from one recorded forward pass: computeGradients()
    // inside the model_fn and minimize() ops after it differentiate through the same tape.
    return withTape(() => leafOps(runModelFn()).map((op) => ({ op, grads: gradientsOf(op, vars) })));
  }

  function computeStreamed(begin: (numValues: number) => GradientExchange): StreamedStep {
    return withTape(() => streamGradients(leafOps(runModelFn()), vars, begin, gradientsOf));
  }

  function runModelFn(): TrainEstimatorSpec['trainOp'] {
    const s = validateSpec(runInContext(ctx, callModelFn), 'train') as TrainEstimatorSpec;
    for (const name of wanted) {
      const t = name === 'loss' ? s.loss : ctx.named.get(name);
      if (t) fetched.set(name, tf.keep(t));
    }
    if (!wanted.has('loss')) loss = tf.keep(s.loss);
    for (const x of ctx.summaries?.values() ?? []) summaries.push({ ...x, tensor: tf.keep(x.tensor) });
    if (ctx.scopeTrace) graph = traceTape(model, ctx.scopeTrace);
    checks = keepChecks(ctx.checks);
    return s.trainOp;
  }

  function applyUpdates(list: readonly Update[]): void {
    const all = list.flatMap((u) => Object.values(u.grads));
    if (ctx.summaries) globalNorm = tf.keep(globalNormOf(all));
    for (const [index, { op, grads }] of list.entries()) {
      const lr = learningRateAt(op.optimizer.learningRate, model.globalStep);
      if (index === 0) learningRate = lr;
      const { tfOptimizer } = model.optimizerFor(op.optimizer, lr, index);
      if (typeof op.optimizer.learningRate === 'function') setLearningRate(tfOptimizer, lr);
      if (tfOptimizer instanceof SlotOptimizer) tfOptimizer.globalStep = model.globalStep;
      let g = grads;
      if (op.kind === 'minimize' && op.clipGradientsByNorm !== undefined) {
        g = scaleTo(grads, globalNormOf(Object.values(grads)), op.clipGradientsByNorm);
      }
      tfOptimizer.applyGradients(g);
    }
  }
}

function keepAll(grads: tf.NamedTensorMap): tf.NamedTensorMap {
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.keep(g)]));
}

/**
 * One flat float32 vector of every gradient (in the order the model_fn created the variables, the same on every
 * replica), reduced by `reduce`, split back into tensors of the original shapes. The caller owns the new tensors.
 */
async function averageGradients(updates: readonly Update[], reduce: GradientReducer): Promise<Update[]> {
  const all = updates.flatMap((u) => Object.values(u.grads));
  const flat = tf.tidy(() => tf.concat(all.map((g) => tf.reshape(tf.cast(g, 'float32'), [-1]))));
  let values: Float32Array;
  try {
    // The strategy may write the mean into `values`: the reader hands out an array of our own.
    values = await reduce.reader.read(flat, all.filter((g) => g.size > 0).length <= 1);
  } finally {
    flat.dispose();
  }
  const mean = await reduce.mean(values);
  if (mean.length !== values.length) {
    throw new ModelFnError(
      'DISTRIBUTE_MISMATCH',
      `Estimator.train(): the all-reduce returned ${mean.length} gradient values for ${values.length}; every replica must run the same model_fn.`,
    );
  }
  let offset = 0;
  return updates.map(({ op, grads }) => ({
    op,
    grads: Object.fromEntries(
      Object.entries(grads).map(([k, g]) => {
        const t = tf.tensor(mean.subarray(offset, offset + g.size), g.shape, 'float32');
        offset += g.size;
        return [k, t];
      }),
    ),
  }));
}

/**
 * The gradients one leaf op applies, by variable engine name. With `onFinal`, the gradients of the variables it
 * names are handed to it while the backward pass runs, as each becomes final (see releasingGradients).
 */
function gradientsOf(
  op: MinimizeOp | ApplyGradientsOp,
  trainable: tf.Variable[],
  onFinal?: FinalGradients,
): tf.NamedTensorMap {
  if (op.kind === 'applyGradients') {
    const out: tf.NamedTensorMap = {};
    for (const [g, v] of op.gradsAndVars) if (g) out[v.name] = g;
    return out;
  }
  // tf.variableGrads seeds the pass with its own ones(), so every gradient the pass frees early is its own.
  return withoutRecording(() =>
    releasingGradients(
      () => gradientsFor(`${op.optimizer.name}.minimize()`, op.loss, op.varList ?? trainable),
      onFinal,
    ),
  );
}

/**
 * Runs `f` (a backward pass after the model_fn returned) without recording its kernels on the step's tape. The tape
 * stays open for the next leaf op, so tfjs would otherwise record every gradient kernel and clone its inputs for a
 * second-order gradient nothing takes: nothing created after the model_fn can feed a loss. tfjs records only at
 * kernel depth 0, the depth at which a kernel's own inner kernels stay off the tape.
 */
function withoutRecording<T>(f: () => T): T {
  const state = engineState();
  state.kernelDepth++;
  try {
    return f();
  } finally {
    state.kernelDepth--;
  }
}

/**
 * Runs `f` with a gradient tape recording (what `tf.variableGrads` does around its function), so gradients of any
 * tensor computed inside can be taken inside. Frees what the tape saved for the backward pass afterwards, also when
 * `f` throws: tfjs frees it only after a successful backward pass of the outermost tape.
 */
export function withTape<T>(f: () => T): T {
  const engine = tf.engine() as unknown as {
    startTape(): void;
    endTape(): void;
    state: { activeTape?: { saved?: tf.Tensor[] }[] | null; gradientDepth: number };
  };
  engine.startTape();
  try {
    return onVariablesOnlyTape(f);
  } finally {
    engine.endTape();
    if (engine.state.gradientDepth === 0) {
      for (const node of engine.state.activeTape ?? []) tf.dispose(node.saved ?? []);
      engine.state.activeTape = null;
    }
  }
}

/** The global L2 norm of a set of gradients (TF's `tf.global_norm`). */
export function globalNormOf(grads: tf.NamedTensorMap | readonly tf.Tensor[]): tf.Scalar {
  // Pairwise adds, not tf.addN: WebGPU's AddN binds one storage buffer per input and fails validation past the
  // device's maxStorageBuffersPerShaderStage (8 by default), which drops the whole command buffer (seen on an H100).
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g: tf.Tensor) => tf.sum(tf.square(g)));
    return tf.sqrt(squares.reduce((acc, x) => tf.add(acc, x))) as tf.Scalar;
  });
}

function scaleTo(grads: tf.NamedTensorMap, norm: tf.Tensor, clipNorm: number): tf.NamedTensorMap {
  const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
}

/** The kernels on the active tape, with logical variable names and the innermost variable scope of each. */
function traceTape(model: ModelState, spans: readonly { scope: string; start: number; end: number }[]): TracedKernel[] {
  const tape = engineState<TapeNode>().activeTape ?? [];
  const view = (t: tf.Tensor) =>
    t instanceof tf.Variable
      ? { id: t.id, shape: t.shape, dtype: t.dtype, name: model.store.logicalName(t.name) }
      : { id: t.id, shape: t.shape, dtype: t.dtype };
  return tape.map((node, i) => {
    let scope: string | undefined;
    let width = Number.POSITIVE_INFINITY;
    for (const s of spans) {
      if (i >= s.start && i < s.end && s.end - s.start <= width) {
        scope = s.scope;
        width = s.end - s.start;
      }
    }
    const inputs: Record<string, ReturnType<typeof view> | null> = {};
    for (const [k, t] of Object.entries(node.inputs)) inputs[k] = t ? view(t) : null;
    return { kernelName: node.kernelName, inputs, outputs: node.outputs.map(view), ...(scope ? { scope } : {}) };
  });
}

function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}
