import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { TrainSpec } from '../estimator-spec.js';
import { validateSpec } from '../estimator-spec.js';
import { type ModelFnContext, runInContext } from '../model-fn-context.js';
import { learningRateAt } from '../optimizers.js';
import type { ModelState } from './model-state.js';

/** The tensors one training step leaves for the loop to read (owned by the caller) and the spec it ran. */
export interface StepOutput {
  readonly fetched: Map<string, tf.Tensor>;
  readonly learningRate: number;
}

/**
 * One training step: runs the model_fn under a gradient tape, clips and applies the gradients with the spec's
 * optimizer, and keeps only the tensors the hooks asked for. Synchronous on purpose: everything between the tape's
 * start and the optimizer update stays in one tidy scope, so nothing leaks.
 */
export function trainStep(
  model: ModelState,
  ctx: ModelFnContext,
  callModelFn: () => unknown,
  wanted: ReadonlySet<string>,
): StepOutput {
  let spec: TrainSpec | undefined;
  const fetched = new Map<string, tf.Tensor>();
  const vars = model.store.trainable();
  if (vars.length === 0) {
    throw new ModelFnError(
      'NO_TRAINABLE_VARIABLES',
      'Estimator.train(): the model_fn created no trainable variables; use getVariable() or layers such as dense().',
    );
  }
  const { value, grads } = tf.variableGrads(() => {
    spec = validateSpec(runInContext(ctx, callModelFn), 'train') as TrainSpec;
    for (const name of wanted) {
      const t = ctx.named.get(name);
      if (t && name !== 'loss') fetched.set(name, tf.keep(t));
    }
    return spec.trainOp.loss;
  }, vars);
  const op = spec!.trainOp;
  const lr = learningRateAt(op.optimizer.learningRate, model.globalStep);
  const { tfOptimizer } = model.optimizerFor(op.optimizer, lr);
  if (typeof op.optimizer.learningRate === 'function') setLearningRate(tfOptimizer, lr);
  tf.tidy(() => {
    let g = grads;
    if (op.clipGradientsByNorm !== undefined) g = clipByGlobalNorm(grads, op.clipGradientsByNorm);
    tfOptimizer.applyGradients(g);
  });
  tf.dispose(grads);
  if (wanted.has('loss')) fetched.set('loss', value);
  else value.dispose();
  return { fetched, learningRate: lr };
}

/** Scales gradients so their global L2 norm is at most `clipNorm` (TF's `tf.clip_by_global_norm`). */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clipNorm: number): tf.NamedTensorMap {
  const list = Object.values(grads);
  const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
  const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
  return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, scale)]));
}

function setLearningRate(opt: tf.Optimizer, lr: number): void {
  const o = opt as unknown as { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else o.learningRate = lr;
}
