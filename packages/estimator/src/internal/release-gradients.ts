/**
 * Frees each intermediate gradient as soon as the backward pass is done with it. tfjs' backward pass keeps every
 * tensor's gradient until the whole pass ends, so its peak memory is every activation gradient at once (for the
 * reference CNN at batch 128 about 40 MB more wasm heap than needed); TF's executor frees them as it goes.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { engineState } from './engine-state.js';

type GradFn = (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;

interface TapeNodeLike {
  gradient?: GradFn | null;
}

/**
 * Runs `f` (a backward pass over the open tape, e.g. tf.variableGrads) with each tape node's gradient wrapped: when
 * the pass moves to the next node, the gradients flowing into the previous node's outputs are disposed. The tape is
 * walked in reverse order, so by then every consumer of those outputs has run and nothing reads them again. Kept:
 * a gradient the node passed through unchanged as an input's gradient (the same tensor object), and one any node
 * returned for more than one input (its other holder still needs it). Same kernels, same values.
 */
export function releasingGradients<T>(f: () => T): T {
  const tape = engineState<TapeNodeLike>().activeTape;
  if (!tape || tape.length === 0) return f();
  const originals = tape.map((node) => node.gradient);
  const timesReturned = new Map<tf.Tensor, number>();
  let pending: { dys: (tf.Tensor | null)[]; returned: Set<tf.Tensor> } | null = null;
  const releasePending = () => {
    if (!pending) return;
    for (const dy of pending.dys) {
      if (!dy || dy.isDisposed || pending.returned.has(dy) || (timesReturned.get(dy) ?? 0) > 1) continue;
      dy.dispose();
    }
    pending = null;
  };
  tape.forEach((node, i) => {
    const gradient = originals[i];
    if (!gradient) return;
    node.gradient = (dys) => {
      releasePending();
      const grads = gradient(dys);
      const returned = new Set<tf.Tensor>();
      const wrapped: Record<string, () => tf.Tensor> = {};
      for (const [name, dx] of Object.entries(grads)) {
        wrapped[name] = () => {
          const t = dx();
          returned.add(t);
          timesReturned.set(t, (timesReturned.get(t) ?? 0) + 1);
          return t;
        };
      }
      pending = { dys, returned };
      return wrapped;
    };
  });
  try {
    return f();
  } finally {
    tape.forEach((node, i) => {
      node.gradient = originals[i];
    });
  }
}
