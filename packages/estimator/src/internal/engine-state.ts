import * as tf from '@tensorflow/tfjs-core';

/**
 * The fields of tfjs-core's engine state (not public API; tfjs 4.22's names) that the Estimator's gradient and
 * tracing helpers read or set, behind one accessor so the cast and the field names live in one place. `Node` is the
 * shape of a tape node as the caller uses it.
 */
export interface EngineState<Node = unknown> {
  /** The kernels recorded since the outermost open tape started (null when none records). */
  activeTape?: Node[] | null;
  /** Open gradient tapes (> 0 inside tf.variableGrads / the Estimator's TRAIN step). */
  gradientDepth: number;
  /** Kernels running inside another kernel: tfjs tapes only at depth 0. */
  kernelDepth: number;
}

/** tfjs-core's engine state, typed for what the caller reads. */
export function engineState<Node = unknown>(): EngineState<Node> {
  return (tf.engine() as unknown as { state: EngineState<Node> }).state;
}

/** The gradient depth of the tape the Estimator's TRAIN step opened, or -1 outside one. */
let variablesOnlyTapeDepth = -1;

/**
 * Runs `f` with the tape open now marked as the TRAIN step's: one whose gradients are taken only for variables
 * (every Estimator gradient API takes variables), so a layer may skip the gradient of an input no variable feeds.
 */
export function onVariablesOnlyTape<T>(f: () => T): T {
  const previous = variablesOnlyTapeDepth;
  variablesOnlyTapeDepth = engineState().gradientDepth;
  try {
    return f();
  } finally {
    variablesOnlyTapeDepth = previous;
  }
}

/**
 * Whether the kernels running now are recorded on the TRAIN step's tape itself. Inside a `tf.grad` of the model_fn's
 * own (a deeper tape), or on a tape outside an Estimator, gradients may be taken for any tensor.
 */
export function recordingForVariablesOnly(): boolean {
  return variablesOnlyTapeDepth > 0 && engineState().gradientDepth === variablesOnlyTapeDepth;
}
