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
  inputs?: Record<string, tf.Tensor | null | undefined>;
  outputs?: tf.Tensor[];
}

/**
 * Who wants each of `variables`' gradient as soon as the backward pass made it final (an overlapped all-reduce).
 * `final` gets the gradient tensor tfjs returns for the variable, while the pass still runs: read, don't keep or
 * dispose it.
 */
export interface FinalGradients {
  /** The tensor differentiated (the loss): only tape nodes on a path to it give gradients. */
  readonly y: tf.Tensor;
  readonly variables: ReadonlySet<tf.Tensor>;
  final(variable: tf.Tensor, gradient: tf.Tensor): void;
}

/**
 * Runs `f` (a backward pass over the open tape, e.g. tf.variableGrads) with each tape node's gradient wrapped: when
 * the pass moves to the next node, the gradients flowing into the previous node's outputs are disposed. The tape is
 * walked in reverse order, so by then every consumer of those outputs has run and nothing reads them again. Kept:
 * a gradient the node passed through unchanged as an input's gradient (the same tensor object), and one any node
 * returned for more than one input (its other holder still needs it). Same kernels, same values.
 *
 * With `onFinal`, a variable of `onFinal.variables` that exactly one input of one tape node on the way to `y` reads
 * gets its gradient handed out as soon as that node computed it: tfjs takes the first gradient of a tensor as its sum,
 * so that one is final (for the CNN, the dense layers' gradients come out before the convolutions' backward pass, the
 * bulk of its compute). A variable read more than once is summed by tfjs after the node; the caller takes it from the
 * result.
 */
export function releasingGradients<T>(f: () => T, onFinal?: FinalGradients): T {
  const tape = engineState<TapeNodeLike>().activeTape;
  if (!tape || tape.length === 0) return f();
  const originals = tape.map((node) => node.gradient);
  const readers = onFinal ? readersOf(tape, onFinal) : new Map<tf.Tensor, number>();
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
        const input = node.inputs?.[name];
        const handOut = onFinal && input && readers.get(input) === 1 ? onFinal : null;
        wrapped[name] = () => {
          const t = dx();
          returned.add(t);
          timesReturned.set(t, (timesReturned.get(t) ?? 0) + 1);
          if (handOut && input) handOut.final(input, t);
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

/**
 * How many inputs of the tape nodes that lead to `y` each variable is: the nodes tfjs's backward pass runs (its
 * filtered tape). Nodes off that path read variables too and must not count: a custom gradient's save() clones the
 * kernel it keeps through an Identity node that nothing consumes.
 */
function readersOf(tape: readonly TapeNodeLike[], onFinal: FinalGradients): Map<tf.Tensor, number> {
  const leadsToY = new Set<number>([onFinal.y.id]);
  const readers = new Map<tf.Tensor, number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (!node.outputs?.some((o) => leadsToY.has(o.id))) continue;
    for (const x of Object.values(node.inputs ?? {})) {
      if (!x) continue;
      leadsToY.add(x.id);
      if (onFinal.variables.has(x)) readers.set(x, (readers.get(x) ?? 0) + 1);
    }
  }
  return readers;
}
