/** `Dataset.reduce()`: folds a dataset's elements into one value, freeing what each step does not keep. */
import * as tf from '@tensorflow/tfjs-core';
import { disposeExcept } from './structure.js';

/**
 * Folds `elements` into one value. A sync `fn` runs in `tf.tidy`; the previous state's and the element's tensors
 * are disposed unless the new state holds them (the initial state is the caller's and is never disposed).
 */
export async function reduceElements<T, S>(
  elements: AsyncIterable<T>,
  initial: S,
  fn: (state: S, x: T) => S,
): Promise<S> {
  let state = initial;
  for await (const x of elements) {
    const prev = state;
    try {
      state = tf.tidy(() => fn(prev, x) as unknown as tf.TensorContainer) as unknown as S;
    } finally {
      disposeExcept(x, state);
    }
    if (prev !== initial) disposeExcept(prev, state);
  }
  return state;
}
