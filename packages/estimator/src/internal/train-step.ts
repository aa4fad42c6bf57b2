import type { TracedKernel } from '@estimatorjs/summary';
import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { TrainEstimatorSpec } from '../estimator-spec.js';
import { validateSpec } from '../estimator-spec.js';
import type { ValueCheck } from '../model-fn-context.js';
import { type ModelFnContext, runInContext } from '../model-fn-context.js';
import type { ModelSummary } from '../model-summaries.js';
import { learningRateAt } from '../optimizers.js';
import type { ModelState } from './model-state.js';
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

/**
 * One training step: runs the model_fn under a gradient tape, clips and applies the gradients with the spec's
 * optimizer, and keeps only the tensors the hooks asked for (plus summaries and the kernel trace when asked).
 * Synchronous on purpose: everything between the tape's start and the optimizer update stays in one tidy scope.
 */
export function trainStep(
  model: ModelState,
  ctx: ModelFnContext,
  callModelFn: () => unknown,
  wanted: ReadonlySet<string>,
): StepOutput {
  let spec: TrainEstimatorSpec | undefined;
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
  const { value, grads } = variableGradsFreeingOnError(() => {
    spec = validateSpec(runInContext(ctx, callModelFn), 'train') as TrainEstimatorSpec;
    for (const name of wanted) {
      const t = ctx.named.get(name);
      if (t && name !== 'loss') fetched.set(name, tf.keep(t));
    }
    for (const s of ctx.summaries?.values() ?? []) summaries.push({ ...s, tensor: tf.keep(s.tensor) });
    if (ctx.scopeTrace) graph = traceTape(model, ctx.scopeTrace);
    checks = keepChecks(ctx.checks);
    return spec.trainOp.loss;
  }, vars);
  const op = spec!.trainOp;
  const lr = learningRateAt(op.optimizer.learningRate, model.globalStep);
  const { tfOptimizer } = model.optimizerFor(op.optimizer, lr);
  if (typeof op.optimizer.learningRate === 'function') setLearningRate(tfOptimizer, lr);
  let globalNorm: tf.Tensor | null = null;
  tf.tidy(() => {
    let g = grads;
    if (op.clipGradientsByNorm !== undefined || ctx.summaries) {
      const norm = globalNormOf(grads);
      if (ctx.summaries) globalNorm = tf.keep(norm);
      if (op.clipGradientsByNorm !== undefined) g = scaleTo(grads, norm, op.clipGradientsByNorm);
    }
    tfOptimizer.applyGradients(g);
  });
  tf.dispose(grads);
  if (wanted.has('loss')) fetched.set('loss', value);
  return { fetched, learningRate: lr, globalNorm, summaries, graph, checks, loss: wanted.has('loss') ? null : value };
}

/**
 * `tf.variableGrads`, except that a throwing `f` leaks nothing: tfjs keeps the tensors its gradient functions
 * will need (`saved` on the tape) and frees them only after a successful backward pass.
 */
function variableGradsFreeingOnError(
  f: () => tf.Scalar,
  vars: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  try {
    return tf.variableGrads(f, vars);
  } catch (e) {
    const state = (
      tf.engine() as unknown as { state: { activeTape?: { saved?: tf.Tensor[] }[] | null; gradientDepth: number } }
    ).state;
    if (state.gradientDepth === 0) for (const node of state.activeTape ?? []) tf.dispose(node.saved ?? []);
    throw e;
  }
}

/** The global L2 norm of a set of gradients (TF's `tf.global_norm`). */
export function globalNormOf(grads: tf.NamedTensorMap): tf.Scalar {
  // Pairwise adds, not tf.addN: WebGPU's AddN binds one storage buffer per input and fails validation past the
  // device's maxStorageBuffersPerShaderStage (8 by default), which drops the whole command buffer (seen on an H100).
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(squares.reduce((acc, x) => tf.add(acc, x))) as tf.Scalar;
  });
}

function scaleTo(grads: tf.NamedTensorMap, norm: tf.Tensor, clipNorm: number): tf.NamedTensorMap {
  const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
}

/** The kernels on the active tape, with logical variable names and the innermost variable scope of each. */
function traceTape(model: ModelState, spans: readonly { scope: string; start: number; end: number }[]): TracedKernel[] {
  const tape = (tf.engine() as unknown as { state: { activeTape?: TapeNode[] | null } }).state.activeTape ?? [];
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
