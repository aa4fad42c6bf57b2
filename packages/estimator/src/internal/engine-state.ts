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
