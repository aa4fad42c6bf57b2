/**
 * A dense layer's `x · kernel (+ bias) (then relu)` as one taped op with its own gradient, for training steps.
 *
 * Why: as three taped tfjs ops (MatMul, Add, Relu) the layer puts ~20 kernel dispatches on a training step: each op
 * clones the inputs its gradient needs onto the tape, and the gradients of Add and Relu reshape, cast and reduce.
 * Here the forward kernels run untaped inside one custom-gradient op that saves what the backward needs, and the
 * backward is the same kernels tfjs' registered gradients run, minus the no-op reshapes and casts.
 *
 * Values and gradients are bit-identical to the three ops on every backend: the forward runs the same kernels in the
 * same order, or, where the backend registers @estimatorjs/io's EXACT_FUSED_MATMUL_KERNEL (native), that one kernel,
 * which promises their bits; relu's gradient is `dy · step(output)`, the same bits as tfjs' `dy · step(input)`
 * (relu keeps the sign of every positive input and NaN, and maps the rest to +0, where step gives alpha either
 * way); the bias gradient is `sum(dy, 0)`, the kernel's `xᵀ · dy` and the input's `dy · kernelᵀ`, exactly as tfjs'
 * gradients compute them. The input's gradient is computed only when the input depends on a variable (the first
 * layer over the features needs none: tfjs' tape would skip it too, and it is a full matmul).
 */
import { EXACT_FUSED_MATMUL_KERNEL, type ExactFusedMatMulAttrs } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { engineState, recordingForVariablesOnly } from '../../internal/engine-state.js';

interface TapeNode {
  inputs: Record<string, tf.Tensor | null | undefined>;
  outputs: tf.Tensor[];
}

/** Whether a gradient tape is recording the kernels run now (what tfjs' engine checks before taping one). */
export function tapeRecording(): boolean {
  const s = engineState<TapeNode>();
  return s.gradientDepth > 0 && s.kernelDepth === 0 && s.activeTape != null;
}

/**
 * Whether `x` was computed, on the recording tape, from a variable (so a backward pass may want its gradient).
 * A tensor made outside the tape (the features a model_fn receives) or only from constants needs none.
 */
export function dependsOnVariable(x: tf.Tensor): boolean {
  if (x instanceof tf.Variable) return true;
  const tape = engineState<TapeNode>().activeTape ?? [];
  const producer = new Map<number, TapeNode>();
  for (const node of tape) for (const out of node.outputs) producer.set(out.id, node);
  const seen = new Map<number, boolean>();
  const visit = (t: tf.Tensor): boolean => {
    if (t instanceof tf.Variable) return true;
    const known = seen.get(t.id);
    if (known !== undefined) return known;
    seen.set(t.id, false);
    const node = producer.get(t.id);
    const result = node !== undefined && Object.values(node.inputs).some((input) => input != null && visit(input));
    seen.set(t.id, result);
    return result;
  };
  return visit(x);
}

/**
 * Whether a layer op must compute the gradient of its input `x`: unless the TRAIN step's own tape records (its
 * gradients are taken only for variables) and no variable feeds `x`. A `tf.grad` inside the model_fn, or a tape
 * outside an Estimator, may differentiate with respect to any tensor, the features included.
 */
export function inputGradientNeeded(x: tf.Tensor): boolean {
  return !recordingForVariablesOnly() || dependsOnVariable(x);
}

/**
 * `relu?(x · kernel + bias?)` for a 2-D float32 `x` while a tape records, as one custom-gradient op (see the file
 * header). `inputGradient: false` leaves `x` out of the op's inputs: no gradient is computed for it.
 */
export function denseOp(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | null,
  relu: boolean,
  inputGradient: boolean,
): tf.Tensor2D {
  // customGrad's function receives the inputs in order, then save(); x comes first only when it is an input.
  const exact =
    x.dtype === 'float32' &&
    kernel.dtype === 'float32' &&
    tf.getKernel(EXACT_FUSED_MATMUL_KERNEL, tf.getBackend()) != null;
  const forward = (...args: unknown[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const out = exact ? exactFusedMatMul(x, kernel, bias, relu) : composed(x, kernel, bias, relu);
    // Saved: x for the kernel's gradient, the kernel for the input's, the output for relu's.
    save([x, ...(inputGradient ? [kernel] : []), ...(relu ? [out] : [])]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const sx = saved[0] as tf.Tensor2D;
        const sk = (inputGradient ? saved[1] : null) as tf.Tensor2D | null;
        const activated = relu ? saved[saved.length - 1]! : null;
        const g = (activated ? tf.mul(dy, tf.step(activated)) : dy) as tf.Tensor2D;
        const grads: tf.Tensor[] = [];
        if (sk) grads.push(tf.matMul(g, sk, false, true));
        grads.push(tf.matMul(sx, g, true, false));
        if (bias) grads.push(tf.sum(g, 0));
        return grads;
      },
    };
  };
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  const inputs: tf.Tensor[] = [...(inputGradient ? [x] : []), kernel, ...(bias ? [bias] : [])];
  // The scope names the op's tape node (what the graph summary shows); no tfjs kernel or gradient has this name.
  return tf.tidy('Dense', () => op(...inputs)) as tf.Tensor2D;
}

/** The forward pass as tfjs' ops: MatMul, then Add, then Relu. */
function composed(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | null, relu: boolean): tf.Tensor2D {
  let y: tf.Tensor2D = tf.matMul(x, kernel);
  if (bias) y = tf.add(y, bias);
  return relu ? tf.relu(y) : y;
}

/** The forward pass as the backend's EXACT_FUSED_MATMUL_KERNEL: one dispatch, the same bits as {@link composed}. */
function exactFusedMatMul(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D | null, relu: boolean): tf.Tensor2D {
  const attrs: ExactFusedMatMulAttrs = { transposeA: false, transposeB: false, activation: relu ? 'relu' : 'linear' };
  const inputs: tf.NamedTensorMap = bias ? { a: x, b: kernel, bias } : { a: x, b: kernel };
  return tf.engine().runKernel(EXACT_FUSED_MATMUL_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}
