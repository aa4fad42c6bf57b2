import type { Mode } from '@estimatorjs/hooks';
import type * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from './errors.js';
import type { VariableStore } from './variable-store.js';

/**
 * What functional layers, `getVariable` and `nameTensor` see while the Estimator runs a model_fn:
 * the variable store, the mode, the step (for reproducible dropout) and the names handed out so far.
 * Owns: the scope stack and per-call name counters. Does not own: variables (the store does).
 */
export interface ModelFnContext {
  readonly store: VariableStore;
  readonly mode: Mode;
  readonly globalStep: number;
  readonly randomSeed: number | undefined;
  /**
   * True while the Estimator runs the model_fn once to create variables before the first training step (TF's graph
   * construction). Layers with side effects (batch normalization's moving statistics) must skip them then.
   */
  readonly building: boolean;
  /**
   * True when losses and metrics may read values to check them (e.g. that labels fit the logits): on the first
   * batch of each train/evaluate call, and on every batch on backends that keep tensors in CPU memory (cpu, wasm,
   * tfjs-node), where a read is a copy rather than a device sync. Otherwise checks go to `checks`, read with the
   * step's other values.
   */
  readonly checkValues: boolean;
  /**
   * Checks on values that later batches leave to the loop: each has a scalar read with the step's other values
   * (no extra sync) and the value it must equal, and the tensor to explain a failure from.
   */
  readonly checks: ValueCheck[];
  readonly scopes: string[];
  readonly layerCounts: Map<string, number>;
  /** Tensors the model_fn named for hooks (`nameTensor`), kept alive until the step's values are read. */
  readonly named: Map<string, tf.Tensor>;
  /** Summaries the model_fn asked for (`summary.*`); null on steps that write none. */
  readonly summaries: Map<string, import('./model-summaries.js').ModelSummary> | null;
  /** Variable-scope spans over the gradient tape, recorded only on the step whose graph is written. */
  readonly scopeTrace: { scope: string; start: number; end: number }[] | null;
  randomOps: number;
}

/** A deferred check on batch values (see {@link ModelFnContext.checks}). */
export interface ValueCheck {
  /** A scalar read with the step's values; the check passes when it equals `expected`. */
  readonly value: tf.Tensor;
  readonly expected: number;
  readonly detail: tf.Tensor;
  readonly explain: (detail: ArrayLike<number>) => string;
}

let current: ModelFnContext | null = null;

/** The active context; throws a clear error outside a model_fn. */
export function activeContext(api: string): ModelFnContext {
  if (!current) {
    throw new ModelFnError(
      'OUTSIDE_MODEL_FN',
      `${api} must be called inside a model_fn while the Estimator runs it (it needs the Estimator's variable store). Received a call outside any model_fn.`,
    );
  }
  return current;
}

/** The active context or null (for code that works both inside and outside a model_fn). */
export function maybeActiveContext(): ModelFnContext | null {
  return current;
}

/** Runs `fn` with `ctx` active. Synchronous: the TRAIN step must record the whole forward pass on one tape. */
export function runInContext<T>(ctx: ModelFnContext, fn: () => T): T {
  const prev = current;
  current = ctx;
  try {
    return fn();
  } finally {
    current = prev;
  }
}

/** Runs an async `fn` with `ctx` active until it settles (EVAL and PREDICT allow async model_fns). */
export async function runInContextAsync<T>(ctx: ModelFnContext, fn: () => T | Promise<T>): Promise<T> {
  const prev = current;
  current = ctx;
  try {
    return await fn();
  } finally {
    current = prev;
  }
}

/** The full name of `name` under the active variable scopes (`conv1/kernel`). */
export function scopedName(ctx: ModelFnContext, name: string): string {
  return [...ctx.scopes, name].join('/');
}

/**
 * A fresh layer name for this model_fn call: `dense`, `dense_1`, … (as tf.layers does). Counters restart on every
 * call, so the same model_fn gives the same names every step.
 */
export function uniqueLayerName(ctx: ModelFnContext, base: string): string {
  const key = scopedName(ctx, base);
  const n = ctx.layerCounts.get(key) ?? 0;
  ctx.layerCounts.set(key, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** A 32-bit seed derived from the run seed and a string, so each variable and random op has its own stream. */
export function deriveSeed(runSeed: number | undefined, key: string): number {
  let h = 2166136261 ^ (runSeed ?? Math.floor(Math.random() * 2 ** 31));
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) % 2147483647;
}
