/**
 * Owns: using `@tensorflow/tfjs-layers` objects inside a model_fn — building each once per Estimator, moving their
 * weights into the Estimator's variable store under stable names, and applying them with the mode's `training`
 * flag. Does not own: the layers themselves (the user's objects; nothing here imports tfjs-layers at run time).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from './errors.js';
import { isTensor } from './metrics/metric-op.js';
import { activeContext, deriveSeed, type ModelFnContext, scopedName } from './model-fn-context.js';
import { noteVariable } from './variable-collections.js';
import type { VariableStore } from './variable-store.js';

/** What the adapter needs of a tfjs-layers weight (`LayerVariable`). */
export interface LayersWeight {
  readonly originalName: string;
  readonly shape: readonly (number | null)[];
  readonly dtype: string;
  readonly trainable: boolean;
  read(): tf.Tensor;
}

/**
 * What the adapter needs of a tfjs-layers object: any `tf.layers.*` layer, or a `tf.sequential()` /
 * `tf.model()` used as a layer.
 */
export interface LayersLayer {
  readonly name: string;
  readonly built: boolean;
  readonly weights: readonly LayersWeight[];
  /** Inner layers of a container (`tf.sequential()`, `tf.model()`). */
  readonly layers?: readonly LayersLayer[];
  apply(inputs: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): unknown;
}

/** Applies a layer from {@link useLayer}; `kwargs.training` defaults to "the mode is TRAIN". */
export type AppliedLayer<L extends LayersLayer = LayersLayer> = ((
  inputs: tf.Tensor | tf.Tensor[],
  kwargs?: Record<string, unknown>,
) => tf.Tensor) & { readonly layer: L };

interface Entry {
  readonly layer: LayersLayer;
  bound: boolean;
  /** The store's variables bound to the layer's weights, by stable name (for the per-call variable collections). */
  variables: [string, tf.Variable][];
}

/** Layers per Estimator (per variable store), by scoped name. */
const layersByStore = new WeakMap<VariableStore, Map<string, Entry>>();
/** Every layer object bound to some store: a second Estimator must get its own object. */
const boundLayers = new WeakSet<object>();

/**
 * Uses a `@tensorflow/tfjs-layers` layer (or a `tf.sequential()` model) inside a model_fn. `factory` runs once per
 * Estimator; on first application the layer is built and its weights move into the Estimator's variables as
 * `<scope>/<name>/<weight>` (`dense1/kernel`, `dense1/bias`; for a container `<name>/layer_<i>/<weight>`), so they
 * train with the spec's optimizer, are checkpointed and restored, and warm-start like any `getVariable`. Initial
 * values come from the layer's own initializers, made reproducible from `RunConfig.randomSeed`; dropout inside the
 * layer is seeded per step too. `training` is passed as `mode === 'train'` unless given.
 * @example
 *   import * as tfl from '@tensorflow/tfjs-layers';
 *   const conv1 = useLayer('conv1', () => tfl.layers.conv2d({ filters: 32, kernelSize: 5, activation: 'relu' }));
 *   const logits = useLayer('logits', () => tfl.layers.dense({ units: 10 }))(tf.reshape(conv1(images), [-1, 24 * 24 * 32]));
 */
export function useLayer<L extends LayersLayer>(name: string, factory: () => L): AppliedLayer<L> {
  const api = 'useLayer()';
  const ctx = activeContext(api);
  if (typeof name !== 'string' || name === '' || name.includes('/')) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: name must be a non-empty string without '/'; use variableScope() for nesting. Received ${describe(name)}.`,
    );
  }
  const full = scopedName(ctx, name);
  let byName = layersByStore.get(ctx.store);
  if (!byName) {
    byName = new Map();
    layersByStore.set(ctx.store, byName);
  }
  let entry = byName.get(full);
  if (!entry) {
    const layer = withSeededRandom(ctx, `${full}/create`, factory);
    if (typeof layer?.apply !== 'function' || !('weights' in layer)) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `${api}: the factory for ${JSON.stringify(full)} must return a @tensorflow/tfjs-layers layer or model (e.g. () => tf.layers.dense({ units: 10 })). Received ${describe(layer)}.`,
      );
    }
    if (boundLayers.has(layer)) {
      throw new ModelFnError(
        'LAYER_REUSED',
        `${api}: the factory for ${JSON.stringify(full)} returned a layer that another Estimator (or another name) already uses. Create the layer inside the factory: () => tf.layers.dense({...}).`,
      );
    }
    entry = { layer, bound: false, variables: [] };
    byName.set(full, entry);
  }
  const e = entry;
  const applied = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown> = {}): tf.Tensor => {
    const run = activeContext(`${api} layer ${JSON.stringify(full)}`);
    const training = (kwargs.training as boolean | undefined) ?? run.mode === 'train';
    if (!e.bound) {
      // Build with a throwaway call (tfjs-layers builds on first apply), then take the weights over.
      withSeededRandom(run, `${full}/build`, () =>
        tf.tidy(() => void e.layer.apply(inputs, { ...kwargs, training: false })),
      );
      e.variables = bindWeights(run, full, e.layer);
      boundLayers.add(e.layer);
      e.bound = true;
    }
    for (const [name, v] of e.variables) noteVariable(run, name, v);
    // While the Estimator builds the model its outputs are discarded: run in inference mode so stateful layers
    // (tf.layers.batchNormalization's moving statistics) are not updated twice for the first batch.
    const mode = run.building ? false : training;
    const out = withSeededRandom(run, `${full}/step${run.globalStep}/${run.randomOps++}`, () =>
      e.layer.apply(inputs, { ...kwargs, training: mode }),
    );
    if (!isTensor(out)) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `${api}: layer ${JSON.stringify(full)} must return one tensor when applied to tensors. Received ${describe(out)}.`,
      );
    }
    return out;
  };
  return Object.assign(applied, { layer: e.layer as L });
}

/** Stable names for a layer's weights: `<full>/<weight>`, or `<full>/layer_<i>/<weight>` inside a container. */
function weightNames(full: string, layer: LayersLayer): Map<LayersWeight, string> {
  const names = new Map<LayersWeight, string>();
  const used = new Set<string>();
  const add = (w: LayersWeight, prefix: string, owner: string) => {
    const short = w.originalName.startsWith(`${owner}/`)
      ? w.originalName.slice(owner.length + 1)
      : w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
    let n = `${prefix}/${short}`;
    for (let i = 1; used.has(n); i++) n = `${prefix}/${short}_${i}`;
    used.add(n);
    names.set(w, n);
  };
  if (layer.layers && layer.layers.length > 0) {
    layer.layers.forEach((inner, i) => {
      for (const w of inner.weights) if (!names.has(w)) add(w, `${full}/layer_${i}`, inner.name);
    });
  }
  for (const w of layer.weights) if (!names.has(w)) add(w, full, layer.name);
  return names;
}

/**
 * Replaces each weight's backing variable with the store's variable of the stable name (created from the layer's
 * initial value, or from the checkpoint when one is pending), so the layer reads and trains the store's variables.
 */
function bindWeights(ctx: ModelFnContext, full: string, layer: LayersLayer): [string, tf.Variable][] {
  const bound: [string, tf.Variable][] = [];
  for (const [w, name] of weightNames(full, layer)) {
    const dtype = w.dtype === 'int32' ? 'int32' : 'float32';
    const own = w.read() as tf.Variable;
    const v = ctx.store.getOrCreate(name, own.shape, dtype, w.trainable, () => tf.clone(own));
    if (v !== own) {
      (w as unknown as { val: tf.Variable }).val = v;
      own.dispose();
    }
    bound.push([name, v]);
  }
  return bound;
}

/**
 * Runs `fn` with `Math.random` replaced by a generator seeded from the run seed and `key`: tfjs initializers and
 * dropout without an explicit seed draw their seed from `Math.random`, so this makes them reproducible.
 * Does nothing when `RunConfig.randomSeed` is unset. Synchronous, restored in `finally`.
 */
function withSeededRandom<T>(ctx: ModelFnContext, key: string, fn: () => T): T {
  if (ctx.randomSeed === undefined) return fn();
  let s = deriveSeed(ctx.randomSeed, key) || 1;
  const original = Math.random;
  Math.random = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  try {
    return fn();
  } finally {
    Math.random = original;
  }
}
