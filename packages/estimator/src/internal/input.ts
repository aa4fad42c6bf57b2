import { withGraphSeed } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError, describe } from '../errors.js';

/** Features given to a model_fn: one tensor or a dict of tensors. */
export type Features = tf.Tensor | Readonly<Record<string, tf.Tensor>>;
/** Labels given to a model_fn (undefined in PREDICT). */
export type Labels = tf.Tensor | Readonly<Record<string, tf.Tensor>>;
/** One element of an input_fn's dataset: `[features, labels]`, or features alone. */
export type InputElement<F extends Features = Features, L extends Labels = Labels> = readonly [F, L] | F;
/** What an input_fn returns: a Dataset, an iterator from one, or any async iterable of elements. */
export type InputFnResult<F extends Features = Features, L extends Labels = Labels> = AsyncIterable<InputElement<F, L>>;
/**
 * TF's input_fn: called once per train/evaluate/predict call, gets the Estimator's params. `F` and `L` are the
 * features and labels its elements carry, the ones the model_fn receives.
 */
export type InputFn<P = unknown, F extends Features = Features, L extends Labels = Labels> = (
  params: P,
) => InputFnResult<F, L> | Promise<InputFnResult<F, L>>;

/**
 * Splits an input element into features and labels; `api` names the caller in errors. With `labelsRequired`
 * (TRAIN, EVAL) an element without labels is an error here, before the model_fn would fail on `undefined` labels
 * (or on a dict of features given to a layer) with a TypeError far from the cause. An element this rejects is
 * disposed: the loop owns it and drops it.
 */
export function splitElement(
  api: string,
  el: unknown,
  labelsRequired = false,
): { features: Features; labels: Labels | undefined } {
  if (Array.isArray(el)) {
    if (el.length !== 2) {
      disposeElement(el);
      throw new ConfigError(
        'INVALID_INPUT',
        `${api}: an input element that is an array must be [features, labels]. Received an array of length ${el.length}.`,
      );
    }
    return { features: el[0] as Features, labels: el[1] as Labels };
  }
  if (el instanceof tf.Tensor || (typeof el === 'object' && el !== null)) {
    if (labelsRequired) {
      disposeElement(el);
      const keys = el instanceof tf.Tensor ? [] : Object.keys(el);
      const hint =
        keys.length === 2
          ? ` For a dataset of {${keys.join(', ')}} use dataset.map(({ ${keys.join(', ')} }) => [${keys.join(', ')}]).`
          : '';
      throw new ConfigError(
        'INPUT_WITHOUT_LABELS',
        `${api}: the input_fn yielded features without labels (${describe(el)}); in TRAIN and EVAL it must yield [features, labels].${hint}`,
      );
    }
    return { features: el as Features, labels: undefined };
  }
  disposeElement(el);
  throw new ConfigError(
    'INVALID_INPUT',
    `${api}: input elements must be [features, labels] or features (tensors). Received ${describe(el)}.`,
  );
}

/** Disposes every tensor in a features/labels structure. */
export function disposeElement(x: unknown): void {
  tf.dispose(x as tf.TensorContainer);
}

/** An input whose position can be checkpointed (a `@estimatorjs/data` iterator fits). */
export interface StatefulInput {
  saveState(): unknown;
  restoreState(state: unknown): Promise<void>;
}

/** An opened input: the iterator to pull from and, when it supports it, its position for checkpoints. */
export interface OpenedInput {
  readonly iterator: AsyncIterator<unknown>;
  readonly stateful: StatefulInput | null;
}

function isStateful(x: unknown): x is StatefulInput & AsyncIterator<unknown> {
  const o = x as Record<string, unknown>;
  return typeof o?.saveState === 'function' && typeof o.restoreState === 'function' && typeof o.next === 'function';
}

/**
 * Calls the input_fn and opens what it returned: a data iterator is used as is (its position goes into checkpoints),
 * a Dataset gets a fresh iterator (ditto), any other async iterable is iterated plainly.
 */
export async function openInput<P>(
  api: string,
  inputFn: InputFn<P>,
  params: P,
  randomSeed?: number,
): Promise<OpenedInput> {
  if (typeof inputFn !== 'function') {
    throw new ConfigError(
      'INVALID_INPUT',
      `${api}: inputFn must be a function returning a Dataset (or any async iterable). Received ${describe(inputFn)}.`,
    );
  }
  // RunConfig.randomSeed is the input_fn's graph seed: unseeded shuffles get op seeds from it (TF's graph seed).
  const input = await withGraphSeed(randomSeed, () => inputFn(params));
  if (isStateful(input)) return { iterator: input, stateful: input };
  const makeIterator = (input as { makeOneShotIterator?: () => unknown })?.makeOneShotIterator;
  if (typeof makeIterator === 'function') {
    const it = makeIterator.call(input);
    if (isStateful(it)) return { iterator: it, stateful: it };
  }
  const iterate = (input as { [Symbol.asyncIterator]?: unknown })?.[Symbol.asyncIterator];
  if (typeof iterate !== 'function') {
    throw new ConfigError(
      'INVALID_INPUT',
      `${api}: inputFn must return a Dataset or an async iterable of [features, labels]. Received ${describe(input)}.`,
    );
  }
  return { iterator: (input as AsyncIterable<unknown>)[Symbol.asyncIterator](), stateful: null };
}
