/**
 * A one-weight linear regression for tests that run hooks through the real Estimator: `pred = w·x + b`, squared
 * error, plain gradient descent from zeros, so every step's loss and weights can be computed by hand
 * ({@link handTrained}) and compared with what the hooks saw, the event files and the checkpoints.
 */
import type { Hook } from '@estimatorjs/hooks';
import { tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { Estimator, type ModelFn } from './estimator.js';
import {
  GradientDescentOptimizer,
  getVariable,
  initializers,
  losses,
  nameTensor,
  RunConfig,
  type RunConfigOptions,
  variableScope,
} from './index.js';

/** The one batch every step sees: y = 2x + 1. */
export const XS = [1, 2, 3, 4];
export const YS = XS.map((x) => 2 * x + 1);
export const LEARNING_RATE = 0.02;

/** Options of {@link linearModelFn}. */
export interface LinearModelOptions {
  readonly trainingHooks?: readonly Hook[];
  readonly evaluationHooks?: readonly Hook[];
  readonly predictionHooks?: readonly Hook[];
  /** Called on every model_fn call, with the mode (records what the model_fn saw). */
  readonly onCall?: (mode: string) => void;
  /** A factor the loss is multiplied by (read from a FeedFnHook in tests); default 1. */
  readonly lossScale?: () => number;
  /** Runs inside the model_fn with its variables (to name more tensors). */
  readonly extra?: (vars: { readonly w: tf.Variable; readonly b: tf.Variable }) => void;
}

/**
 * The model_fn. Names `w`, `b` and `prediction_mean` for hooks; predictions are `{ y }`; EVAL and TRAIN report the
 * mean squared error. A NaN in the features makes a NaN loss.
 */
export function linearModelFn(options: LinearModelOptions = {}): ModelFn {
  return (features, labels, mode) => {
    options.onCall?.(mode);
    const x = features as tf.Tensor;
    const [w, b] = variableScope('linear', () => [
      getVariable('w', { shape: [1, 1], initializer: initializers.zeros() }),
      getVariable('b', { shape: [1], initializer: initializers.zeros() }),
    ]);
    nameTensor('w', tf.reshape(w, []));
    nameTensor('b', tf.reshape(b, []));
    options.extra?.({ w, b });
    const pred = tf.add(tf.matMul(x, w), b);
    nameTensor('prediction_mean', tf.mean(pred));
    if (mode === 'infer') return { mode, predictions: { y: pred }, predictionHooks: options.predictionHooks };
    const scale = options.lossScale?.() ?? 1;
    const loss = tf.mul(
      losses.meanSquaredError({ labels: labels as tf.Tensor, predictions: pred }),
      scale,
    ) as tf.Scalar;
    if (mode === 'eval') return { mode, loss, evaluationHooks: options.evaluationHooks };
    return {
      mode,
      loss,
      trainOp: new GradientDescentOptimizer({ learningRate: LEARNING_RATE }).minimize(loss),
      trainingHooks: options.trainingHooks,
    };
  };
}

/**
 * An input_fn of `batches` copies of the batch (`[x, y]`, each [4, 1]); `onBatch(i)` runs as batch i is produced
 * (to move an injected clock), and batches listed in `nanAt` carry a NaN feature.
 */
export function linearInput(
  batches: number,
  opts: { onBatch?: (i: number) => void; nanAt?: readonly number[]; labels?: boolean } = {},
) {
  return async function* () {
    for (let i = 0; i < batches; i++) {
      opts.onBatch?.(i);
      const xs = opts.nanAt?.includes(i) ? XS.map((x, j) => (j === 0 ? Number.NaN : x)) : XS;
      const x = tf.tensor2d(xs, [XS.length, 1]);
      if (opts.labels === false) yield x;
      else yield [x, tf.tensor2d(YS, [YS.length, 1])] as const;
    }
  };
}

/** One step of the hand computation: the loss before the update, then the weights after it. */
export interface HandStep {
  readonly loss: number;
  readonly w: number;
  readonly b: number;
}

/** The mean squared error of `w·x + b` on the batch, in float64. */
export function handLoss(w: number, b: number, scale = 1): number {
  return (scale * XS.reduce((s, x, i) => s + (w * x + b - YS[i]!) ** 2, 0)) / XS.length;
}

/**
 * Gradient descent by hand: entry k is training step k + 1 (global step k + 1 after it): the loss it reports and the
 * weights it leaves. `scales[k]` multiplies step k + 1's loss (and so its gradients).
 */
export function handTrained(steps: number, scales: readonly number[] = []): HandStep[] {
  let w = 0;
  let b = 0;
  const out: HandStep[] = [];
  for (let k = 0; k < steps; k++) {
    const s = scales[k] ?? 1;
    const r = XS.map((x, i) => w * x + b - YS[i]!);
    const dw = (s * 2 * r.reduce((acc, ri, i) => acc + ri * XS[i]!, 0)) / XS.length;
    const db = (s * 2 * r.reduce((acc, ri) => acc + ri, 0)) / XS.length;
    const loss = handLoss(w, b, s);
    w -= LEARNING_RATE * dw;
    b -= LEARNING_RATE * db;
    out.push({ loss, w, b });
  }
  return out;
}

/** Options of {@link linearEstimator}. */
export interface LinearEstimatorOptions {
  /** Default {@link linearModelFn}(). */
  readonly modelFn?: ModelFn;
  /** Default: a fresh temp dir. */
  readonly modelDir?: string;
  readonly config?: Partial<RunConfigOptions>;
  /** Where the Estimator's lines go; default nowhere. */
  readonly log?: (line: string) => void;
}

/**
 * An Estimator for hook tests, on a fresh temp model dir (its remover pushed onto `cleanups`) unless `modelDir` is
 * given. Its own hooks (checkpoints, summaries, step counter, loss lines) fire every 1000 steps unless `config` says.
 */
export function linearEstimator(cleanups: (() => void)[], o: LinearEstimatorOptions = {}): Estimator {
  let modelDir = o.modelDir;
  if (modelDir === undefined) {
    const temp = tempModelDir();
    cleanups.push(temp.cleanup);
    modelDir = temp.dir;
  }
  const config = new RunConfig({
    modelDir,
    saveCheckpointsSteps: 1000,
    saveSummarySteps: 1000,
    logStepCountSteps: 1000,
    ...o.config,
  });
  return new Estimator({ modelFn: o.modelFn ?? linearModelFn(), config, log: o.log ?? (() => {}) });
}
